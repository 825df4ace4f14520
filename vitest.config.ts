import { defineConfig } from 'vitest/config';

// Three kinds of test, by suffix: pure unit tests beside the code, integration tests against the real
// Postgres/Redis/DuckDB on 127.0.0.1, and cross-process tests (browser, faults) under tests/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Pure tests, but some replay the whole shared data set or train the scorer: room for a
          // loaded 2-core machine (speed goals live in `npm run bench`).
          testTimeout: 30_000,
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['packages/*/src/**/*.integration.test.ts', 'apps/*/src/**/*.integration.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
