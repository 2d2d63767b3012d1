import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
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
