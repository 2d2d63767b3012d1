import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // CLI tests spawn processes and change nothing global, but forks keep
    // each file's process state (env, cwd, stdin) fully separate.
    pool: 'forks',
  },
});
