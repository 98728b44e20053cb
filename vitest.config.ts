import { defineConfig } from 'vitest/config';

/**
 * Two groups, run one after the other (`sequence.groupOrder`): first the unit and integration
 * tests, then the browser end-to-end tests, so that Chromium's frame timing and the server's
 * real-time loop are not measured while the CPU-heavy suites run beside them.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/postgresGlobalSetup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'client/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**', '**/node_modules/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
