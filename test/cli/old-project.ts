// A project as create-prod-api 0.1.0 made it, grown by every kind of command,
// in a git repository: what the upgrade tests (CLI and end-to-end) start from.
// 0.1.0 is built from this repository's history, as `upgrade` itself builds it.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { generatorFor } from '../../src/upgrade/releases.js';
import { ROOT, cleanEnv, tempDir } from './helpers.js';

export const OLD = '0.1.0';
export const NEW = (JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const USER_EDITS = path.join(ROOT, 'fixtures/upgrade/user-edits.patch');

/** After create: every kind of command, as an owner grows a project (fixtures/upgrade/user-edits.patch fits its output). */
export const GROW = [
  ['add-resource', 'category', '--fields', 'name:string:unique,slug:string:maxLength=80'],
  ['add-version', 'v3', '--deprecate', 'v1', '--sunset', '2099-12-31'],
  ['add-field', 'products', 'discount:decimal?:max=100', '--version', 'v3'],
  ['rename-field', 'products', 'name', 'title', '--version', 'v3'],
  ['remove-field', 'products', 'stock', '--version', 'v3'],
];

/** After create --auth none --no-example: a resource of the owner's, a version, a field. */
export const GROW_BARE = [
  ['add-resource', 'note', '--fields', 'title:string,body:text?', '--access', 'public'],
  ['add-version', 'v2'],
  ['add-field', 'notes', 'pinned:boolean?', '--version', 'v2'],
];

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' });

export interface OldProject {
  /** `shop` unless named */
  readonly name?: string;
  /** create's flags (`--framework hono`) */
  readonly flags?: readonly string[];
  /** the grow commands; none for a project that has no example to grow */
  readonly grow?: readonly (readonly string[])[];
  /** runs before growing (e.g. lays node_modules in, so that drizzle-kit makes real migrations) */
  readonly beforeGrow?: (dir: string) => Promise<void>;
}

/** Makes the project with 0.1.0's own bin, commits it, and gives its folder. */
export async function makeOldProject(options: OldProject = {}): Promise<string> {
  const oldBin = await generatorFor(OLD, ROOT, () => undefined);
  const cwd = await tempDir('cpa-upgrade-');
  const name = options.name ?? 'shop';
  const run = (args: readonly string[], dir: string) =>
    execFileSync(process.execPath, [oldBin, ...args], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  run([name, ...(options.flags ?? []), '--yes', '--no-install', '--no-git'], cwd);
  const dir = path.join(cwd, name);
  await options.beforeGrow?.(dir);
  for (const args of options.grow ?? GROW) run(args, dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', `made by create-prod-api ${OLD}`);
  return dir;
}
