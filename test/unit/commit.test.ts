import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StepFailedError, UsageError } from '../../src/errors.js';
import { commitTree, findOverwrites } from '../../src/plan/commit.js';
import { formatPlan, formatSize } from '../../src/plan/dry-run.js';
import { FileTree } from '../../src/plan/tree.js';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'cpa-commit-'));
}

const sample = () =>
  new FileTree().set('README.md', '# x\n').set('src/app.ts', 'export {};\n').set('bin/start', { content: '#!/bin/sh\n', mode: 0o755 });

describe('commitTree', () => {
  it('writes every file into a new directory, creating folders and keeping modes', async () => {
    const target = path.join(await tempDir(), 'new-api');
    const result = await commitTree(sample(), target, { force: false });
    expect(result.written).toEqual(['README.md', 'bin/start', 'src/app.ts']);
    expect(result.overwritten).toEqual([]);
    expect(await readFile(path.join(target, 'src/app.ts'), 'utf8')).toBe('export {};\n');
    expect((await stat(path.join(target, 'bin/start'))).mode & 0o777).toBe(0o755);
  });

  it('writes into an empty directory, or one holding only .git', async () => {
    const target = await tempDir();
    await mkdir(path.join(target, '.git'));
    await commitTree(sample(), target, { force: false });
    expect(existsSync(path.join(target, 'README.md'))).toBe(true);
  });

  it('refuses a non-empty directory without --force, naming it and the flag', async () => {
    const target = await tempDir();
    await writeFile(path.join(target, 'notes.txt'), 'mine');
    const attempt = commitTree(sample(), target, { force: false });
    await expect(attempt).rejects.toThrow(UsageError);
    await expect(attempt).rejects.toThrow(target);
    await expect(attempt).rejects.toThrow('--force');
    expect(await readdir(target)).toEqual(['notes.txt']);
  });

  it('with --force keeps other files, lists overwrites before writing', async () => {
    const target = await tempDir();
    await writeFile(path.join(target, 'notes.txt'), 'mine');
    await writeFile(path.join(target, 'README.md'), 'old');
    const seen: string[][] = [];
    const result = await commitTree(sample(), target, {
      force: true,
      beforeWrite: (overwrites) => {
        seen.push([...overwrites]);
        // Called before anything is written.
        expect(existsSync(path.join(target, 'src'))).toBe(false);
      },
    });
    expect(seen).toEqual([['README.md']]);
    expect(result.overwritten).toEqual(['README.md']);
    expect(await readFile(path.join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(path.join(target, 'README.md'), 'utf8')).toBe('# x\n');
  });

  it('leaves nothing behind when a write fails half-way into a new directory', async () => {
    const target = path.join(await tempDir(), 'doomed');
    // 'a' is written as a file, then 'a/b' needs it to be a folder.
    const tree = new FileTree().set('a', 'file').set('a/b', 'x').set('z', 'never');
    await expect(commitTree(tree, target, { force: false })).rejects.toThrow(StepFailedError);
    expect(existsSync(target)).toBe(false);
  });

  it('removes only what it created when a write fails in an existing empty directory', async () => {
    const target = await tempDir();
    await mkdir(path.join(target, '.git'));
    const tree = new FileTree().set('README.md', 'r').set('a', 'file').set('a/b', 'x');
    await expect(commitTree(tree, target, { force: false })).rejects.toThrow(/Nothing was left behind/);
    expect(await readdir(target)).toEqual(['.git']);
  });

  it('never deletes in a non-empty directory, even on failure', async () => {
    const target = await tempDir();
    await writeFile(path.join(target, 'notes.txt'), 'mine');
    const tree = new FileTree().set('a', 'file').set('a/b', 'x');
    await expect(commitTree(tree, target, { force: true })).rejects.toThrow(/Written before the failure \(1\): a/);
    expect((await readdir(target)).sort()).toEqual(['a', 'notes.txt']);
  });
});

describe('dry-run plan', () => {
  it('lists every path with its size and marks overwrites', async () => {
    const target = await tempDir();
    await writeFile(path.join(target, 'README.md'), 'old');
    const tree = sample();
    const overwrites = findOverwrites(tree, target);
    expect(overwrites).toEqual(['README.md']);
    const lines = formatPlan(tree, overwrites);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^README\.md\s+4 B {2}\(overwrite\)$/);
    expect(lines[2]).toMatch(/^src\/app\.ts\s+11 B$/);
  });

  it('formats sizes', () => {
    expect([formatSize(0), formatSize(999), formatSize(1234), formatSize(2_500_000)]).toEqual(['0 B', '999 B', '1.2 kB', '2.5 MB']);
  });
});
