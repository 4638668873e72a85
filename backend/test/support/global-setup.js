import { tsImport } from 'tsx/esm/api';

/**
 * One database server per Jest worker (MONGODB_URI if set: then all share it); each test file uses databases
 * of its own. Files run in parallel, so a worker's server serves only the one file it runs at a time: no file's
 * load slows another's database. Jest loads global hooks as CommonJS outside its ESM runtime, so the
 * TypeScript test-support package is imported through tsx here (the backend's own loader). The addresses go
 * into the environment, which the workers (started after this hook) inherit, and so do the servers they spawn.
 * @param {import('@jest/types').Config.GlobalConfig} globalConfig
 */
export default async function globalSetup(globalConfig) {
  /** @type {typeof import('@storyflow/test-support')} */
  const support = await tsImport('@storyflow/test-support', import.meta.url);
  /** @type {typeof import('./test-db.ts')} */
  const { workerDbUriVar } = await tsImport('./test-db.ts', import.meta.url);
  // Jest numbers its workers from 1 (also when it runs the tests in band, in this process).
  const workers = Math.max(1, globalConfig.maxWorkers);
  const started = await Promise.allSettled(Array.from({ length: workers }, () => support.startDatabase()));
  const dbs = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  globalThis.__storyflowTestDbs = dbs;
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(dbs.map((db) => db.stop()));
    throw failed.reason;
  }
  dbs.forEach((db, i) => (process.env[workerDbUriVar(i + 1)] = db.uri));
}
