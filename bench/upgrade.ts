// upgrade: wall time, as a user runs it (the built CLI, a new process), of a default (Fastify, SQLite) project made
// by create-prod-api 0.1.0 and grown by every kind of command, upgraded to this version without `npm install`.
// Median of --runs, each on a fresh copy. Target: under 15 s. Side by side in one run: with the project's
// node_modules (drizzle-kit then checks the schema for a new migration) and without (the report says the command).
// 0.1.0 is built once from this clone's history (.releases/0.1.0), before anything is timed.
// Run: npm run build && npx tsx bench/upgrade.ts [--deps DIR] [--runs 5]
//      (DIR: an installed default project, whose node_modules is linked into the copies)
import { execFileSync } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GROW, makeOldProject } from '../test/cli/old-project.js';

const { values } = parseArgs({ options: { deps: { type: 'string' }, runs: { type: 'string', default: '5' } } });
const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');
const RUNS = Number(values.runs);
const TARGET_MS = 15_000;
// the upgrade tests' project (every kind of command), and one more resource that refers to another
const COMMANDS = [
  ...GROW,
  ['add-resource', 'review', '--fields', 'category_id:ref(categories),rating:int:min=1:max=5', '--access', 'owner'],
];
const run = (file: string, args: string[], cwd: string) =>
  execFileSync(file, args, { cwd, env: { ...process.env, CI: 'true' }, encoding: 'utf8' });

// 0.1.0 is built from this clone's history first, if it is not already (.releases/0.1.0): never timed
const template = await makeOldProject({ grow: COMMANDS });
// the copies link node_modules in, and .gitignore's `node_modules/` names a folder, not a link
await appendFile(path.join(template, '.git/info/exclude'), 'node_modules\n');

async function timeOne(withDeps: boolean): Promise<number> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-upgrade-run-')), 'shop');
  await cp(template, dir, { recursive: true });
  // node_modules is git-ignored: the tree stays clean
  if (withDeps) await symlink(path.resolve(values.deps!, 'node_modules'), path.join(dir, 'node_modules'));
  const started = process.hrtime.bigint();
  run(process.execPath, [BIN, 'upgrade'], dir);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await rm(path.dirname(dir), { recursive: true, force: true });
  return ms;
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(
  `upgrade 0.1.0 -> this version of a default project grown by ${COMMANDS.length} commands, median of ${RUNS} (target < ${seconds(TARGET_MS)})`,
);
const sides = values.deps ? [false, true] : [false];
const times = new Map<boolean, number[]>(sides.map((side) => [side, []]));
for (let index = 0; index < RUNS; index++) for (const side of sides) times.get(side)!.push(await timeOne(side));
for (const side of sides) {
  const ms = median(times.get(side)!);
  console.log(
    `  ${side ? 'with node_modules (drizzle-kit runs)' : 'without node_modules'}: ${seconds(ms)} ${ms < TARGET_MS ? 'MET' : 'MISSED'} (runs: ${times.get(side)!.map(seconds).join(', ')})`,
  );
}
