import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'coverage/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The simulation is pure, seeded and isomorphic: no I/O, no clock, no global randomness.
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads'], message: 'shared/ has no I/O: keep Node APIs in server/.' },
            { group: ['**/server/**', '**/client/**'], message: 'shared/ imports nothing above it.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'shared/ is seeded: use the race RNG.' },
        { object: 'Date', property: 'now', message: 'shared/ has no clock: time is a tick index.' },
        { object: 'performance', property: 'now', message: 'shared/ has no clock: time is a tick index.' },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'fetch', 'process'],
    },
  },
  {
    files: ['shared/sim/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'shared/ has no I/O.' },
            { group: ['../render/*', '../env/*', '../protocol/*'], message: 'sim/ never imports render/, env/ or protocol/.' },
          ],
        },
      ],
    },
  },
);
