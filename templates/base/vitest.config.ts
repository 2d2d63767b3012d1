import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // each test file builds its own app on its own in-memory database
    pool: 'forks',
    testTimeout: 20_000,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
  },
});
