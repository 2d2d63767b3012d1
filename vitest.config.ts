import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // CLI tests spawn processes and change nothing global, but forks keep
    // each file's process state (env, cwd, stdin) fully separate.
    pool: 'forks',
    // Under CI a JSON report feeds .ci/summary.mjs, which prints the closing line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]] : ['default'],
  },
});
