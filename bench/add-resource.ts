// add-resource and the field commands (add-field, remove-field, rename-field): wall time, as a user runs them (the
// built CLI, a new process each time), on a project with 2 resources (the default project's products and orders)
// and with 40. Median of 5, each run on a fresh copy. Target: every field command under 1 s without drizzle-kit.
// Side by side in one run: with the project's dependencies installed (the whole command, drizzle-kit generating
// the migration) and without them (everything but the migration generator); the difference is drizzle-kit's share.
// Run: npm run build && npx tsx bench/add-resource.ts --deps DIR   (DIR: an installed default project, whose
//      node_modules is linked into the copies; e.g. one from `npm run bench:api -- --projects /tmp/p` /tmp/p/fastify)
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const { values } = parseArgs({ options: { deps: { type: 'string' }, runs: { type: 'string', default: '5' } } });
if (!values.deps) throw new Error('--deps DIR is required: an installed generated project whose node_modules to use');
const DEPS = path.resolve(values.deps, 'node_modules');
const RUNS = Number(values.runs);
const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');
const FIELDS = 'name:string:unique,slug:string:maxLength=80,price:decimal:min=0,notes:text?,product_id:ref(products)';

const cli = (cwd: string, args: string[]) => execa(process.execPath, [BIN, ...args], { cwd, env: { CI: 'true' } });

/** A default project grown to `count` resources (with its migrations), without node_modules. */
async function prepare(count: number): Promise<string> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-add-'));
  await cli(parent, ['shop', '--yes', '--no-install', '--no-git']);
  const dir = path.join(parent, 'shop');
  await symlink(DEPS, path.join(dir, 'node_modules'));
  for (let index = 3; index <= count; index++) await cli(dir, ['add-resource', `thing-${index}`, '--fields', FIELDS]);
  await rm(path.join(dir, 'node_modules'));
  return dir;
}

/** The commands timed; `migrates` when drizzle-kit generates a migration for it (with the dependencies there). */
const COMMANDS = [
  { args: ['add-resource', 'review', '--fields', FIELDS], migrates: true },
  { args: ['add-field', 'products', 'discount:decimal?:max=100', '--version', 'v2'], migrates: true },
  { args: ['remove-field', 'products', 'stock', '--version', 'v2'], migrates: false },
  { args: ['rename-field', 'products', 'name', 'title', '--version', 'v2'], migrates: false },
] as const;

async function timeOne(template: string, args: readonly string[], withDeps: boolean, migrates: boolean): Promise<number> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-run-')), 'shop');
  await cp(template, dir, { recursive: true });
  if (withDeps) await symlink(DEPS, path.join(dir, 'node_modules'));
  const started = process.hrtime.bigint();
  const result = await cli(dir, [...args]);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if ((withDeps && migrates) !== result.stdout.includes('Migration: drizzle/')) throw new Error(`unexpected output:\n${result.stdout}`);
  await rm(path.dirname(dir), { recursive: true, force: true });
  return ms;
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// the machine's speed, for comparing runs across machines: what loading ts-morph (and TypeScript) alone takes here
{
  const started = process.hrtime.bigint();
  await execa(process.execPath, ['-e', "require('ts-morph')"], { cwd: path.dirname(BIN) });
  console.log(
    `Loading ts-morph alone takes ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(2)} s on this machine (a new node process).\n`,
  );
}
console.log('| resources | command | whole command | without the migration generator | drizzle-kit generate | field command under 1 s |');
console.log('|---|---|---|---|---|---|');
for (const count of [2, 40]) {
  const template = await prepare(count);
  for (const command of COMMANDS) {
    const whole: number[] = [];
    const bare: number[] = [];
    // alternating, so both see the same machine
    for (let run = 0; run < RUNS; run++) {
      whole.push(await timeOne(template, command.args, true, command.migrates));
      bare.push(await timeOne(template, command.args, false, command.migrates));
    }
    const [w, b] = [median(whole), median(bare)];
    const target = command.args[0] === 'add-resource' ? '-' : b < 1000 ? 'met' : 'MISSED';
    console.log(`| ${count} | ${command.args[0]} | ${seconds(w)} | ${seconds(b)} | ${seconds(Math.max(0, w - b))} | ${target} |`);
  }
  await rm(path.dirname(template), { recursive: true, force: true });
}
