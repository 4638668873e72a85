/**
 * Backend unit and integration tests: ESM TypeScript through @swc/jest (no type check here: `npm run lint` does that).
 * Run with --experimental-vm-modules (the `test` script sets it).
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { swcrc: false, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  // Sources import each other with `.js` specifiers (Node ESM); the files are `.ts`.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // One database server for the whole run (MONGODB_URI if set); each test file uses its own database.
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  // Integration tests share that server and two cores: one file at a time keeps their timings honest.
  maxWorkers: 1,
  testTimeout: 60_000,
  verbose: true,
};
