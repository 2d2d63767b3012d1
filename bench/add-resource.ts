// add-resource wall time, as a user runs it (the built CLI, a new process each time), on a project with 2
// resources (the default project's products and orders) and with 40. Median of 5, each run on a fresh copy.
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

async function timeOne(template: string, withDeps: boolean): Promise<number> {
  const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-run-')), 'shop');
  await cp(template, dir, { recursive: true });
  if (withDeps) await symlink(DEPS, path.join(dir, 'node_modules'));
  const started = process.hrtime.bigint();
  const result = await cli(dir, ['add-resource', 'review', '--fields', FIELDS]);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (withDeps !== result.stdout.includes('Migration: drizzle/')) throw new Error(`unexpected output:\n${result.stdout}`);
  await rm(path.dirname(dir), { recursive: true, force: true });
  return ms;
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;

console.log('| resources in the project | whole command | without the migration generator | drizzle-kit generate |');
console.log('|---|---|---|---|');
for (const count of [2, 40]) {
  const template = await prepare(count);
  const whole: number[] = [];
  const bare: number[] = [];
  // alternating, so both see the same machine
  for (let run = 0; run < RUNS; run++) {
    whole.push(await timeOne(template, true));
    bare.push(await timeOne(template, false));
  }
  const [w, b] = [median(whole), median(bare)];
  console.log(`| ${count} | ${(w / 1000).toFixed(2)} s | ${(b / 1000).toFixed(2)} s | ${((w - b) / 1000).toFixed(2)} s |`);
  await rm(path.dirname(template), { recursive: true, force: true });
}
