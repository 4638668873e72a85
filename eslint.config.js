import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'frontend/.angular/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
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
