import { tsImport } from 'tsx/esm/api';

/**
 * One database server for the whole run (MONGODB_URI if set); each test file uses its own database.
 * Jest loads global hooks as CommonJS outside its ESM runtime, so the TypeScript test-support package is
 * imported through tsx here (the backend's own loader). Tests run in this process (maxWorkers: 1) and so do
 * the servers they spawn: both read the address from the environment.
 */
export default async function globalSetup() {
  /** @type {typeof import('@storyflow/test-support')} */
  const support = await tsImport('@storyflow/test-support', import.meta.url);
  /** @type {typeof import('./test-db.ts')} */
  const { TEST_DB_URI_VAR } = await tsImport('./test-db.ts', import.meta.url);
  const db = await support.startDatabase();
  globalThis.__storyflowTestDb = db;
  process.env[TEST_DB_URI_VAR] = db.uri;
}
