// Generation is deterministic, and the manifest says how to do it again: the
// same create twice gives the same bytes; a project grown by every kind of
// command, then rebuilt in a new folder by running its manifest's log, is the
// same byte for byte (migrations included: the fake drizzle-kit below draws a
// random snapshot id and stamps the clock, as the real one does); and the
// manifest's hashes are those of the files as the generator left them.
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, runCli, tempDir } from './helpers.js';

const FAKE_DRIZZLE_KIT = `#!/usr/bin/env node
// drizzle-kit generate --name <name>, as far as the files go: a random id, the clock in the journal
const fs = require('node:fs');
const crypto = require('node:crypto');
const name = process.argv[process.argv.indexOf('--name') + 1];
const journal = JSON.parse(fs.readFileSync('drizzle/meta/_journal.json', 'utf8'));
const idx = journal.entries.length;
const prefix = String(idx).padStart(4, '0');
const snapshots = fs.readdirSync('drizzle/meta').filter((file) => file.endsWith('_snapshot.json')).sort();
const prevId = JSON.parse(fs.readFileSync('drizzle/meta/' + snapshots.at(-1), 'utf8')).id;
fs.writeFileSync('drizzle/' + prefix + '_' + name + '.sql', '-- ' + name + ' at ' + process.hrtime.bigint() % 1n + '\\n');
fs.writeFileSync('drizzle/meta/' + prefix + '_snapshot.json', JSON.stringify({ version: '6', dialect: 'sqlite', id: crypto.randomUUID(), prevId }, null, 2));
journal.entries.push({ idx, version: '6', when: Date.now(), tag: prefix + '_' + name, breakpoints: true });
fs.writeFileSync('drizzle/meta/_journal.json', JSON.stringify(journal, null, 2));
`;

async function withFakeDrizzleKit(dir: string): Promise<void> {
  const bin = path.join(dir, 'node_modules/.bin');
  await mkdir(bin, { recursive: true });
  await writeFile(path.join(bin, 'drizzle-kit'), FAKE_DRIZZLE_KIT);
  await chmod(path.join(bin, 'drizzle-kit'), 0o755);
}

/** Every file the generator is responsible for, by path: not .env (its secret is the project's own), not node_modules. */
async function tree(dir: string): Promise<Map<string, string>> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const files = new Map<string, string>();
  for (const entry of entries) {
    const relPath = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (relPath === '.env' || relPath.startsWith('node_modules')) continue;
    files.set(relPath, await readFile(path.join(dir, relPath), 'utf8'));
  }
  return files;
}

async function create(args: readonly string[]): Promise<string> {
  const cwd = await tempDir('cpa-replay-');
  const result = await runCli([...args, '--yes', '--no-install', '--no-git'], { cwd });
  expect(result.exitCode, result.stderr).toBe(0);
  return path.join(cwd, args[0]!);
}

interface Logged {
  log: { command: string; args: string[]; at?: number }[];
  files: Record<string, string>;
}

const manifestOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'create-prod-api.json'), 'utf8')) as Logged;

const COMMANDS = [
  ['add-resource', 'category', '--fields', 'name:string:unique,slug:string:maxLength=80'],
  ['add-version', 'v3', '--deprecate', 'v1', '--sunset', '2099-12-31'],
  ['add-field', 'products', 'discount:decimal?:max=100', '--version', 'v3'],
  ['rename-field', 'products', 'name', 'title', '--version', 'v3'],
  ['remove-field', 'products', 'stock', '--version', 'v3'],
  ['add-resource', 'category', '--version', 'v3', '--from', 'v2'],
  ['add-resource', 'review', '--fields', 'category_id:ref(categories),rating:int:min=1:max=5', '--access', 'owner'],
];

let grown: string;

beforeAll(async () => {
  assertBuilt();
  grown = await create(['shop', '--framework', 'hono', '--database', 'postgres']);
  await withFakeDrizzleKit(grown);
  for (const args of COMMANDS) {
    const result = await runCli(args, { cwd: grown });
    expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  }
}, 120_000);

describe('deterministic generation and its record', () => {
  it('the same create twice gives the same bytes', async () => {
    const [first, second] = [await create(['shop', '--framework', 'express']), await create(['shop', '--framework', 'express'])];
    expect(await tree(second)).toEqual(await tree(first));
  }, 30_000);

  it('the log lists every command that wrote something, its defaults resolved', async () => {
    const { log } = await manifestOf(grown);
    expect(log.map((entry) => entry.command)).toEqual([
      'create',
      'add-resource',
      'add-version',
      'add-field',
      'rename-field',
      'remove-field',
      'add-resource',
      'add-resource',
    ]);
    expect(log[0]!.args).toEqual([
      'shop',
      '--framework',
      'hono',
      '--database',
      'postgres',
      '--auth',
      'jwt',
      '--pagination',
      'cursor',
      '--package-manager',
      'npm',
      '--example',
    ]);
    expect(log[1]!.args).toEqual([
      'category',
      '--fields',
      'name:string:unique,slug:string:maxLength=80',
      '--version',
      'v2',
      '--access',
      'public-read',
      '--pagination',
      'cursor',
    ]);
    expect(log[2]!.args).toEqual(['v3', '--deprecate', 'v1', '--sunset', '2099-12-31', '--since', new Date().toISOString().slice(0, 10)]);
  });

  it("the hashes are the files' as the generator left them, every generated file included", async () => {
    const { files } = await manifestOf(grown);
    const onDisk = await tree(grown);
    onDisk.delete('create-prod-api.json');
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(Object.keys(files).sort()).toEqual([...onDisk.keys()].sort());
    for (const [file, text] of onDisk) expect({ file, hash: files[file] }).toEqual({ file, hash: sha(text) });
    // the migrations the commands made are there: drizzle-kit's randomness did not get in
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'drizzle/0005_add_categories.sql',
        'drizzle/0006_add_products_discount.sql',
        'drizzle/meta/0007_snapshot.json',
      ]),
    );
  });

  it('running the log in a new folder rebuilds the project byte for byte', async () => {
    const { log } = await manifestOf(grown);
    const [createEntry, ...rest] = log;
    const replayed = await create(createEntry!.args);
    await withFakeDrizzleKit(replayed);
    for (const entry of rest) {
      // at the time it first ran: the dates and migration times it writes come from the generator's clock
      expect(entry.at).toEqual(expect.any(Number));
      const result = await runCli([entry.command, ...entry.args], {
        cwd: replayed,
        env: cleanEnv({ CREATE_PROD_API_CLOCK: String(entry.at) }),
      });
      expect(result.exitCode, `${entry.command} ${entry.args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    expect(await tree(replayed)).toEqual(await tree(grown));
  }, 120_000);
});
