// Upgrade, as an owner lives it: a project made and grown by create-prod-api
// 0.1.0, its versions released, its database migrated by 0.1.0 and holding a
// user; then `upgrade` to this version (edited: the fixture's edits, its
// conflict resolved by script, `--continue`; unedited: exactly a fresh replay of
// its log). A second upgrade changes nothing. Then the project installs,
// typechecks, passes its own tests, builds, passes contract:check, and db:migrate
// takes the 0.1.0 database to the schema a fresh database gets from this
// version, the user still there. node_modules come from an installed project of
// the same stack (the dependencies are the same packages), so nothing compiles again.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { replayLog } from '../../src/upgrade/replay.js';
import { specFor } from '../../src/util/package-info.js';
import { ROOT, cleanEnv, runCli, snapshotTree } from '../cli/helpers.js';
import { GROW, GROW_BARE, NEW, USER_EDITS, git, makeOldProject } from '../cli/old-project.js';
import { adminStatement, inProject, withDatabase } from './support.js';

export interface UpgradeJourneyOptions {
  readonly framework: 'fastify' | 'express' | 'hono';
  /** a PostgreSQL or MySQL server; SQLite when absent */
  readonly server?: { readonly database: 'postgres' | 'mysql'; readonly url: string };
  /** the fixture's edits (Fastify on SQLite, as the fixture was made): a conflict to resolve */
  readonly edited?: boolean;
  /** --auth none --no-example, grown by a resource of its own: no users to keep, the rows of that resource instead */
  readonly bare?: boolean;
}

const PASSWORD = 's3cret-pass';
const BIN = path.join(ROOT, 'bin/create-prod-api.js');

export async function upgradeJourney(installed: string, options: UpgradeJourneyOptions): Promise<void> {
  const database = options.server?.database ?? 'sqlite';
  const suffix = Date.now().toString(36);
  const project = await makeOldProject({
    name: options.edited ? 'shop' : `up-${options.framework}-${suffix}`,
    flags: ['--framework', options.framework, '--database', database, ...(options.bare ? ['--auth', 'none', '--no-example'] : [])],
    grow: options.bare ? GROW_BARE : GROW,
    // the installed project's packages: 0.1.0's add-field makes its migration with the project's drizzle-kit
    beforeGrow: (dir) =>
      cp(path.join(installed, 'node_modules'), path.join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true }),
  });
  const dbName = `upgrade_${options.framework}_${suffix}`;
  const url = (name: string) => (options.server ? withDatabase(options.server.url, name) : `./data/${name}.sqlite`);
  const env = { DATABASE_URL: url(dbName), LOG_LEVEL: 'warn' };
  const fresh = await freshReplay(project, installed);
  try {
    // as the owner had it: versions released, a database made by 0.1.0 with a user in it
    await inProject(project, 'npm', ['run', 'contract:update']);
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    if (options.bare) await keepRow(project, database, env.DATABASE_URL);
    else await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'keeper', '--password', PASSWORD], env);
    if (options.edited) {
      git(project, 'apply', USER_EDITS);
      await rm(path.join(project, '.github/workflows/ci.yml'));
    }
    git(project, 'add', '-A');
    git(project, 'commit', '-qm', 'released v1-v3; our edits');

    const upgrade = (...flags: string[]) => runCli(['upgrade', ...flags], { cwd: project, env: cleanEnv() });
    const result = await upgrade();
    if (options.edited) {
      expect(result.exitCode, result.stderr).toBe(3);
      expect(result.stderr).toContain('1 file with conflicts: src/core/validation.ts.');
      const file = path.join(project, 'src/core/validation.ts');
      const text = await readFile(file, 'utf8');
      // the scripted resolution: the new version's side of the block
      await writeFile(file, text.replace(/<<<<<<< your project\n[\s\S]*?=======\n([\s\S]*?)>>>>>>> create-prod-api [^\n]+\n/, '$1'));
      const continued = await upgrade('--continue');
      expect(continued.exitCode, continued.stderr).toBe(0);
    } else {
      expect(result.exitCode, result.stderr).toBe(0);
      const upgraded = await generatedFiles(project);
      expect(upgraded).toEqual(new Map([...fresh.files].filter(([file]) => !file.startsWith('drizzle/'))));
    }
    git(project, 'add', '-A');
    git(project, 'commit', '-qm', `create-prod-api ${NEW}`);
    const again = await upgrade();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(git(project, 'status', '--porcelain')).toBe('');

    await inProject(project, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
    await inProject(project, 'npx', ['tsc', '--noEmit']);
    // the upgrade brought the lint too (eslint.config.js, its packages): the merged code passes it
    await inProject(project, 'npm', ['run', 'lint']);
    await inProject(project, 'npm', ['test'], options.server ? { DATABASE_URL: options.server.url } : {});
    await inProject(project, 'npm', ['run', 'build']);
    expect(await inProject(project, 'npm', ['run', 'contract:check'])).not.toContain('breaks');

    // the 0.1.0 database, migrated by the upgraded project, has the schema a fresh one gets from this version
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    await inProject(fresh.dir, 'npm', ['run', 'db:migrate'], { ...env, DATABASE_URL: url(`${dbName}_fresh`) });
    const upgradedSchema = await schemaOf(project, database, url(dbName), options.bare ? 'notes' : 'users');
    expect(upgradedSchema.keeper).toBe(1);
    expect(upgradedSchema.tables).toEqual((await schemaOf(fresh.dir, database, url(`${dbName}_fresh`), 'none')).tables);
  } finally {
    if (options.server) {
      for (const name of [dbName, `${dbName}_fresh`])
        await adminStatement(installed, options.server.database, `DROP DATABASE IF EXISTS ${name}`);
    }
    await rm(fresh.dir, { recursive: true, force: true });
  }
}

/** Every file but git's, .env, node_modules, the migrations, data and what the tests and build leave. */
async function generatedFiles(dir: string): Promise<Map<string, string>> {
  const skip = /^(\.git\/|node_modules\/|drizzle\/|data\/|dist\/|api-contract\/|\.env$|create-prod-api\.json$)/;
  return new Map([...(await snapshotTree(dir))].filter(([file]) => !skip.test(file)));
}

/**
 * What this version makes of the project's log, in a folder of its own with the same packages (so its migrations
 * are drizzle-kit's own), kept for the fresh database to be migrated from.
 */
async function freshReplay(project: string, installed: string): Promise<{ dir: string; files: Map<string, string> }> {
  const { log } = JSON.parse(await readFile(path.join(project, 'create-prod-api.json'), 'utf8')) as {
    log: { command: string; args: string[]; at?: number }[];
  };
  const files = (await replayLog(log, { bin: BIN, version: NEW, spec: specFor(ROOT, project, NEW) })).files;
  const parent = await mkdtemp(path.join(os.tmpdir(), 'cpa-fresh-'));
  const [create, ...rest] = log;
  const run = (args: string[], cwd: string, at?: number) =>
    execFileSync(process.execPath, [BIN, ...args], {
      cwd,
      env: cleanEnv(at === undefined ? {} : { CREATE_PROD_API_CLOCK: String(at) }),
      encoding: 'utf8',
    });
  run([...create!.args, '--yes', '--no-install', '--no-git'], parent);
  const dir = path.join(parent, create!.args[0]!);
  await symlink(path.join(installed, 'node_modules'), path.join(dir, 'node_modules'));
  for (const entry of rest) if (entry.command !== 'upgrade') run([entry.command, ...entry.args], dir, entry.at);
  return { dir, files };
}

interface Schema {
  /** each table's columns and indexes, as the database describes them */
  readonly tables: unknown;
  /** how many of the rows made before the upgrade it still holds */
  readonly keeper: number;
}

/** A row of the bare project's own resource, written straight into its table (the project has no users to make). */
async function keepRow(project: string, database: string, databaseUrl: string): Promise<void> {
  if (database !== 'sqlite') throw new Error('the bare upgrade journey runs on SQLite');
  const script = `const db = new (require('better-sqlite3'))(process.env.URL); db.prepare("insert into notes (title, created_at, updated_at) values ('keeper', ?, ?)").run(Date.now(), Date.now());`;
  await inProject(project, 'node', ['-e', script], { URL: path.resolve(project, databaseUrl) });
}

const DUMP: Record<'sqlite' | 'postgres' | 'mysql', string> = {
  sqlite: `
    const db = new (require('better-sqlite3'))(process.env.URL, { readonly: true });
    const names = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name").all().map((t) => t.name);
    const tables = names.map((name) => ({ name,
      columns: db.prepare('select name, type, "notnull", dflt_value, pk from pragma_table_info(?)').all(name).sort((a, b) => a.name < b.name ? -1 : 1),
      indexes: db.prepare('select name, "unique" from pragma_index_list(?)').all(name).map((i) => ({ ...i, on: db.prepare('select name from pragma_index_info(?)').all(i.name).map((c) => c.name) })).sort((a, b) => a.name < b.name ? -1 : 1) }));
    const keeper = process.env.KEPT === 'none' ? 0 : db.prepare(KEPT_QUERY).get().n;
    console.log(JSON.stringify({ tables, keeper }));`,
  postgres: `
    const pg = require('pg'); const c = new pg.Client({ connectionString: process.env.URL });
    c.connect().then(async () => {
      const columns = (await c.query("select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns where table_schema = 'public' order by 1, 2")).rows;
      const indexes = (await c.query("select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2")).rows;
      const keeper = process.env.KEPT === 'none' ? 0 : Number((await c.query(KEPT_QUERY)).rows[0].n);
      console.log(JSON.stringify({ tables: { columns, indexes }, keeper })); await c.end();
    }).catch((e) => { console.error(e.message); process.exit(1); });`,
  mysql: `
    require('mysql2/promise').createConnection({ uri: process.env.URL }).then(async (c) => {
      const [columns] = await c.query("select table_name, column_name, column_type, is_nullable, column_default from information_schema.columns where table_schema = database() and table_name <> '__drizzle_migrations' order by 1, 2");
      const [indexes] = await c.query("select table_name, index_name, non_unique, column_name, seq_in_index from information_schema.statistics where table_schema = database() and table_name <> '__drizzle_migrations' order by 1, 2, 5");
      const [[{ n }]] = process.env.KEPT === 'none' ? [[{ n: 0 }]] : await c.query(KEPT_QUERY);
      console.log(JSON.stringify({ tables: { columns, indexes }, keeper: Number(n) })); await c.end();
    }).catch((e) => { console.error(e.message); process.exit(1); });`,
};

/** The schema, and how many of the kept rows (`users`: the user named keeper; `notes`: the note so titled) it holds. */
async function schemaOf(
  project: string,
  database: 'sqlite' | 'postgres' | 'mysql',
  url: string,
  kept: 'users' | 'notes' | 'none',
): Promise<Schema> {
  const query =
    kept === 'notes'
      ? "select count(*) as n from notes where title = 'keeper'"
      : "select count(*) as n from users where username = 'keeper'";
  const script = `const KEPT_QUERY = ${JSON.stringify(query)};\n${DUMP[database]}`;
  const output = await inProject(project, 'node', ['-e', script], {
    URL: database === 'sqlite' ? path.resolve(project, url) : url,
    KEPT: kept,
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Schema;
}
