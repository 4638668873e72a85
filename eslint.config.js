import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'frontend/.angular/**',
      'data/**',
      'bench/results/**',
      'frontend/e2e/test-results/**',
      'frontend/e2e/report/**',
    ],
  },
  js.configs.recommended,
  // Type-aware: each file is checked against the program of the nearest tsconfig.json that includes it
  // (frontend/tsconfig.json is a solution: its references, e2e/tsconfig.json among them, hold the files).
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A promise nobody awaits hides its rejection and its timing: await it, or `void` it where it is
      // deliberately fire-and-forget (and its rejection handled).
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's runner owns what these return (fulfilled when the test ends, never rejected; a failure
          // is reported by the runner): typescript-eslint's documented setting for node:test.
          allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'test'], package: 'node:test' }],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Scripts and configs in plain JavaScript are in no tsconfig: the syntactic rules only.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Packages (contracts, backend, frontend, test-support, bench, chaos) talk only through their public entry points
    // (`exports` in package.json): no relative path into another package, no deep import of its src/.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(contracts|backend|frontend|test-support|bench|chaos)/',
              message: "Import another package by its name and public entry point (see its package.json 'exports').",
            },
            {
              regex: '^@storyflow/[^/]+/(src|test|e2e)/',
              message: "Import the package's public entry point, not its internals.",
            },
          ],
        },
      ],
    },
  },
  {
    // The server logs through pino only.
    files: ['backend/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['frontend/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
);
