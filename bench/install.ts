// Install footprint of a generated project: dependency count, node_modules size, and `npm install` time with a
// warm cache (node_modules removed, lockfile and npm cache kept).
// Run: npm run build && npx tsx bench/install.ts [--project DIR]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const { values } = parseArgs({ options: { project: { type: 'string' } } });
const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');

let dir = values.project ? path.resolve(values.project) : '';
if (!dir) {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-install-'));
  await execa(process.execPath, [BIN, 'api', '--yes', '--no-git'], { cwd: parent, env: { CI: 'true' } });
  dir = path.join(parent, 'api');
}

const { stdout: parseable } = await execa('npm', ['ls', '--all', '--parseable'], { cwd: dir, reject: false });
const packages = new Set(parseable.split('\n').filter((line) => line.includes('node_modules'))).size;
const { stdout: du } = await execa('du', ['-sm', 'node_modules'], { cwd: dir });

await rm(path.join(dir, 'node_modules'), { recursive: true, force: true });
const started = Date.now();
await execa('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });
const seconds = (Date.now() - started) / 1000;

console.log(`install: ${packages} packages, node_modules ${du.split('\t')[0]} MB, npm install (warm cache) ${seconds.toFixed(1)} s`);
console.log('  (better-sqlite3 compiles from source on this machine: no prebuilt binaries are reachable)');
console.log('  reference, a fresh NestJS app on this machine: 342 packages, 202 MB, 36.6 s');
