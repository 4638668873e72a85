/** The benchmark's command line (see run.ts), read once and shared by the scenarios. */
import { parseArgs } from 'node:util';

export const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'engine,screens,pool,reference,burst,batch,drain,cluster,bullmq' },
    cluster: { type: 'string', default: '1,2,3,4' },
    'cluster-stories': { type: 'string', default: '2000' },
    'cluster-cpu': { type: 'string', default: '0.3' },
    'cluster-repeat': { type: 'string', default: '3' },
    'reference-sec': { type: 'string', default: '20' },
    'reference-runs': { type: 'string', default: '1' },
    bursts: { type: 'string', default: '200,1000,2000' },
    'batch-stories': { type: 'string', default: '10000' },
    drain: { type: 'string', default: '5000' },
    flood: { type: 'string', default: '1000' },
    'growth-stories': { type: 'string', default: '120000' },
    'growth-keep-all': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '64' },
    seed: { type: 'string', default: '20261127' },
    backend: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    'node-arg': { type: 'string', multiple: true, default: [] },
  },
});
export const scenarios = new Set(args.scenarios.split(','));
export const concurrency = Number(args.concurrency);
export const seed = Number(args.seed);
/** Extra server settings, e.g. --env=POOL_TARGET_WAIT_MS=200 (to compare a setting). */
export const extraEnv = Object.fromEntries(args.env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
