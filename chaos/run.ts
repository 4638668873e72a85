/**
 * `npm run chaos -- [--seconds=600] [--seed=S] [--backend=/other/checkout/backend/src/main.ts]`: the fault
 * harness (see src/harness.ts). Prints what the nemesis does as it does it, then the checker's verdict as
 * one JSON line, the last line of its output; exits 1 if any check failed.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './src/harness.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '600' }, seed: { type: 'string' }, backend: { type: 'string' } },
});
const seconds = Number(values.seconds);
const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
if (!Number.isInteger(seconds) || seconds < 30 || !Number.isInteger(seed) || seed < 0) {
  process.stderr.write('usage: npm run chaos -- [--seconds=N (≥ 30)] [--seed=S (a whole number)]\n');
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`chaos: ${line}\n`);
const result = await runChaos({ seconds, seed, log, ...(values.backend ? { backendMain: values.backend } : {}) });
for (const failure of result.failed) process.stdout.write(`chaos: FAILED ${failure}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(result.failed.length ? 1 : 0);
