/** Tests read the run's database server from here (MONGODB_URI names the user's own server, if any). */
export const TEST_DB_URI_VAR = 'STORYFLOW_TEST_MONGODB_URI';

/** The run's database server, started by Jest's globalSetup. */
export function testDbUri(): string {
  const uri = process.env[TEST_DB_URI_VAR];
  if (!uri) throw new Error(`${TEST_DB_URI_VAR} is not set: run the tests through jest (its globalSetup starts the database)`);
  return uri;
}
