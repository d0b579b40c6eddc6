// Test runner settings: unit tests beside the code, e2e and real-client tests under test/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{gateway,compat,core,backends,workers,scripts}/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
