/**
 * What every backend Jest run shares: ESM TypeScript through @swc/jest (no type check here: `npm run lint`
 * does that). Run with --experimental-vm-modules (the `test*` scripts set it).
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { swcrc: false, jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  // Sources import each other with `.js` specifiers (Node ESM); the files are `.ts`.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60_000,
  verbose: true,
};
