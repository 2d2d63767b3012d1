// The generator's own code passes its lint: ESLint (typescript-eslint, with the promise rules) and Prettier, as
// `npm run lint` runs them, so CI fails on either without a separate step.
import { execa } from 'execa';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the generator', () => {
  it('passes npm run lint (ESLint and prettier --check)', async () => {
    const result = await execa('npm', ['run', 'lint'], { cwd: root, reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
  }, 120_000);
});
