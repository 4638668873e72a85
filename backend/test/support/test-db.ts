/** The environment variable with the database server of Jest worker `id` (MONGODB_URI names the user's own server, if any). */
export const workerDbUriVar = (id: number | string): string => `STORYFLOW_TEST_MONGODB_URI_${id}`;

/** This worker's database server, started by Jest's globalSetup (one per worker: parallel files never share one). */
export function testDbUri(): string {
  const name = workerDbUriVar(process.env.JEST_WORKER_ID ?? '1');
  const uri = process.env[name];
  if (!uri) throw new Error(`${name} is not set: run the integration tests through jest (its globalSetup starts the databases)`);
  return uri;
}
