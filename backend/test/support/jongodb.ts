import { startJongodb as start, type RunningDatabase } from '../../src/db/jongodb.js';

/**
 * The database for tests: `MONGODB_URI` when set (a real MongoDB), otherwise a fresh jongodb
 * (in-memory MongoDB-wire server) on a free port, stopped by `stop()`.
 */
export async function startJongodb(): Promise<RunningDatabase> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, stop: async () => {} };
  return start();
}
