// A project's log, run again by one version of the generator in a folder of its
// own: what that version makes of the same commands at the same times. Generation
// is deterministic, so the old version's replay is the project as it was
// generated, and the new version's is what it would be today.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StepFailedError } from '../errors.js';
import { MANIFEST_FILE, type LogEntry, type Manifest } from '../project/manifest.js';
import { CLOCK_ENV } from '../util/clock.js';
import { tail } from '../util/exec.js';

/** Log entries that wrote no file of their own: a replay passes over them. */
const NOT_REPLAYED = new Set(['upgrade']);

export interface Replay {
  /** every file the commands wrote, by path (not .env: its secret is each project's own) */
  readonly files: Map<string, string>;
  readonly manifest: Manifest;
}

export interface ReplayOptions {
  /** the generator's bin/create-prod-api.js */
  readonly bin: string;
  readonly version: string;
  /** how the rebuilt package.json names the generator (CREATE_PROD_API_SPEC) */
  readonly spec: string;
  readonly signal?: AbortSignal;
}

export async function replayLog(log: readonly LogEntry[], options: ReplayOptions): Promise<Replay> {
  const [create, ...rest] = log;
  if (create?.command !== 'create')
    throw new StepFailedError(`${MANIFEST_FILE}'s log does not start with the create command; it cannot be replayed.`);
  const parent = await mkdtemp(path.join(tmpdir(), `cpa-replay-${options.version}-`));
  try {
    await runEntry(options, parent, create, ['--yes', '--no-install', '--no-git']);
    const dir = path.join(parent, create.args[0]!);
    for (const entry of rest) if (!NOT_REPLAYED.has(entry.command)) await runEntry(options, dir, entry, []);
    const files = await readTree(dir);
    const manifest = JSON.parse(files.get(MANIFEST_FILE)!) as Manifest;
    files.delete(MANIFEST_FILE);
    return { files, manifest };
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

function runEntry(options: ReplayOptions, cwd: string, entry: LogEntry, extra: readonly string[]): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, CREATE_PROD_API_SPEC: options.spec, NO_COLOR: '1' };
  delete env[CLOCK_ENV];
  if (entry.at !== undefined) env[CLOCK_ENV] = String(entry.at);
  // create is the program's default command: its log entry has a name, its command line none
  const args = [options.bin, ...(entry.command === 'create' ? [] : [entry.command]), ...entry.args, ...extra];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd, env, signal: options.signal, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve();
      if (options.signal?.aborted) return reject(error);
      const command = `create-prod-api ${[entry.command, ...entry.args].join(' ')}`;
      reject(
        new StepFailedError(
          `Replaying the project's log with create-prod-api ${options.version} failed at \`${command}\`:\n${tail(`${stdout}${stderr}`)}`,
        ),
      );
    });
  });
}

async function readTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relPath = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (relPath === '.env' || relPath.startsWith('node_modules/')) continue;
    files.set(relPath, await readFile(path.join(dir, relPath), 'utf8'));
  }
  return files;
}
