import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // CLI tests spawn processes and change nothing global, but forks keep
    // each file's process state (env, cwd, stdin) fully separate.
    pool: 'forks',
    // two files at once, on two cores: the e2e files spend most of their time in installs and waiting on servers,
    // and share nothing (each packs its own tarball, names its databases at random, prefixes its Redis keys)
    maxWorkers: 2,
    // Under CI a JSON report feeds .ci/summary.mjs, which prints the closing line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]] : ['default'],
  },
});
