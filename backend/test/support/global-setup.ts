import type { TestProject } from 'vitest/node';
import { startJongodb } from './jongodb.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

/** One database server for the whole run (MONGODB_URI if set); each test file uses its own database. */
export default async function setup(project: TestProject) {
  const db = await startJongodb();
  project.provide('mongoUri', db.uri);
  return () => db.stop();
}
