import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * server/ layout (anchors.md, "Dependency rules"). ESLint replaces a rule's options when a later
 * block matches the same file, so each directory's block lists every pattern that applies to it.
 */
const NO_CLIENT = { group: ['**/client', '**/client/**'], message: 'server/ never imports client code.' };
const NO_TRANSPORT_LIBS = {
  group: ['socket.io', 'socket.io/*', 'socket.io-client', 'socket.io-client/*', 'express', 'express/*'],
  message:
    'rooms/, race/ and drivers/ know no socket.io or express: publish through RaceBroadcaster, edges live in transport/ and http/.',
};
const NO_ROOMS_FROM_RACE = {
  group: ['**/rooms', '**/rooms/**'],
  message: 'race/ never imports rooms/ (rooms drive races, not the other way).',
};
const NO_TRANSPORT_FROM_STORE = {
  group: ['**/transport', '**/transport/**'],
  message: 'store/ never imports transport/.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'client/dist/**',
      'artifacts/**',
      'data/**',
      'coverage/**',
      'artifacts/**',
      'server/db/generated/**',
    ],
  },
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
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads'],
              message: 'shared/ has no I/O: keep Node APIs in server/.',
            },
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
            {
              group: ['../render/*', '../env/*', '../protocol/*'],
              message: 'sim/ never imports render/, env/ or protocol/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_CLIENT] }] },
  },
  {
    files: ['server/rooms/**/*.ts', 'server/drivers/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_CLIENT, NO_TRANSPORT_LIBS] }] },
  },
  {
    files: ['server/race/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_CLIENT, NO_TRANSPORT_LIBS, NO_ROOMS_FROM_RACE] }] },
  },
  {
    // store/ implements the interfaces rooms/ declares (ResultsSink): `import type` of them is the
    // one way in; any value import of rooms/ and anything of transport/ is an error.
    files: ['server/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [NO_CLIENT, NO_TRANSPORT_FROM_STORE] }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/rooms', '**/rooms/**'],
              allowTypeImports: true,
              message: 'store/ never imports rooms/: only `import type` of the interfaces it implements.',
            },
          ],
        },
      ],
    },
  },
);
