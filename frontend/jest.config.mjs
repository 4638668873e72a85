import presets from 'jest-preset-angular/presets/index.js';

// ESM mode (run with --experimental-vm-modules): the app is ES modules throughout, and
// `stats-stream.ts` needs `import.meta.url` to locate its Web Worker, which CommonJS cannot parse.
// ts-jest compiles with the one TypeScript of the repository (6.0, as Angular 22 needs; one version in the lockfile).
const preset = presets.createEsmPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' });

/** @type {import('jest').Config} */
export default {
  ...preset,
  rootDir: '.',
  roots: ['<rootDir>/src'],
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    // The contracts package exports only its barrel; the app also imports single files (e.g. `/limits`)
    // to keep zod out of the initial bundle. Same mapping as the `paths` in tsconfig.json.
    '^@storyflow/contracts$': '<rootDir>/../contracts/src/index.ts',
    '^@storyflow/contracts/(.*)$': '<rootDir>/../contracts/src/$1.ts',
    // The contracts import each other with `.js` specifiers (Node ESM, for their compiled form); the files are `.ts`.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
