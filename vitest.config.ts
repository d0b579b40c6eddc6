// Test runner settings: every test on SQLite (the default), then the core services and the e2e suite again on PostgreSQL.
import { defineConfig } from 'vitest/config';

const shared = { testTimeout: 60_000, hookTimeout: 60_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    reporters: ['default'],
    // vitest's default is one worker per core less one, so a 2-core machine runs every file in turn; the
    // real-client and multi-process files mostly wait on child processes, and two workers halve the run.
    maxWorkers: 2,
    projects: [
      {
        test: {
          ...shared,
          name: 'sqlite',
          include: ['{gateway,compat,core,backends,workers,scripts}/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/postgres/**', '**/node_modules/**'],
        },
      },
      {
        test: {
          ...shared,
          name: 'postgres',
          // PostgreSQL at 127.0.0.1:5432 (SKYBRIDGE_TEST_POSTGRES_URL to override): a database per test process, a fresh schema per system.
          include: ['core/**/*.test.ts', 'workers/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/postgres/**/*.test.ts'],
          env: { SKYBRIDGE_TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
});
