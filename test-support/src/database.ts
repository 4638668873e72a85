import { startJongodb } from '@storyflow/backend/jongodb';

export interface TestDatabase {
  /** Server URI without a database name: each user picks its own. */
  uri: string;
  /** The server's process, when this process started it (to freeze it with SIGSTOP, say). */
  pid?: number;
  /** Whether this process started the server (false: MONGODB_URI). */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * The database server for tests: `MONGODB_URI` when set (a real MongoDB), otherwise the registry-shipped
 * in-memory MongoDB-wire server (jongodb) on a free loopback port, stopped by `stop()`.
 */
export async function startDatabase(): Promise<TestDatabase> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, owned: false, stop: async () => {} };
  const db = await startJongodb();
  return { uri: db.uri, owned: true, ...(db.pid ? { pid: db.pid } : {}), stop: () => db.stop() };
}

let counter = 0;

/** A database name no other test or run uses (tests never drop databases: the in-memory server cannot). */
export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
}
