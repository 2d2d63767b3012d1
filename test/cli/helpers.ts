import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.join(ROOT, 'bin/create-prod-api.js');

export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist/cli.js'))) {
    throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
  }
}

/** A temp directory whose basename is a valid package name's parent. */
export async function tempDir(prefix = 'cpa-cli-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * The environment of a plain non-interactive run: no colour forcing, no
 * NO_COLOR (so we see what non-TTY output does on its own), no user agent
 * (so npm is the detected package manager).
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'npm_config_user_agent', 'CI']) delete env[key];
  return { ...env, ...extra };
}

export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): ResultPromise<{ cwd: string; env: NodeJS.ProcessEnv; extendEnv: false; reject: false; stdin: 'ignore' }> {
  return execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
}

/** A fake executable on a PATH of its own, to make install or git behave a certain way. */
export async function fakeBin(name: string, script: string): Promise<string> {
  const dir = await tempDir('cpa-bin-');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return dir;
}

export const ANSI = /\u001b\[/;

/** A generated project (`shop`, default options, no install, no git) to copy from; made once per test file. */
export async function generatedBase(prefix: string): Promise<string> {
  assertBuilt();
  const cwd = await tempDir(prefix);
  const result = await runCli(['shop', '--yes', '--no-install', '--no-git'], { cwd });
  if (result.exitCode !== 0) throw new Error(`create failed: ${result.stderr}`);
  return path.join(cwd, 'shop');
}

/** A fresh copy of a generated project, for one test to change. */
export async function copyProject(base: string, prefix: string): Promise<string> {
  const dir = path.join(await tempDir(prefix), 'shop');
  await cp(base, dir, { recursive: true });
  return dir;
}

/** Every file's content by path: equal snapshots mean nothing was touched. */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  return new Map(
    await Promise.all(
      files.map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return [path.relative(dir, file), await readFile(file, 'utf8')] as const;
      }),
    ),
  );
}
