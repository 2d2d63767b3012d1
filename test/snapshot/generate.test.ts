import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import type { Options } from '../../src/options.js';
import { VERSIONS } from '../../src/features/versions.js';
import { planProject } from '../../src/plan/build.js';
import { CHECKED, lintProblems, TEMPLATE_ESLINT, typeProblems } from '../support/project-checks.js';
import type { FileTree } from '../../src/plan/tree.js';

// How a project names its generator depends on where the generator runs from (a version, or a path to a clone):
// the snapshot shows a fixed one
process.env.CREATE_PROD_API_SPEC = 'file:../create-prod-api';

const DEFAULTS: Options = {
  framework: 'fastify',
  database: 'sqlite',
  auth: 'jwt',
  pagination: 'cursor',
  example: true,
  apiKeys: false,
  packageManager: 'npm',
  install: false,
  git: false,
  yes: true,
  dryRun: false,
  force: false,
};

const CASES: Record<string, Partial<Options>> = {
  default: {},
  'auth-none-no-example-offset': { auth: 'none', example: false, pagination: 'offset' },
  postgres: { database: 'postgres' },
  mysql: { database: 'mysql' },
  express: { framework: 'express' },
  hono: { framework: 'hono' },
  'oidc-api-keys': { auth: 'oidc', apiKeys: true },
};

async function plan(overrides: Partial<Options>): Promise<FileTree> {
  return planProject(createContext({ ...DEFAULTS, ...overrides }, 'shop-api', '/tmp/snapshots'));
}

const SNAPSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '__snapshots__');

/** Each path with its mode: a file added, removed or made executable shows here even when no content snapshot does. */
function index(tree: FileTree, only?: Set<string>): string {
  return `${tree
    .entries()
    .filter(([file]) => !only || only.has(file))
    .map(([file, entry]) => `${file}${entry.mode ? ` (mode ${entry.mode.toString(8)})` : ''}`)
    .join('\n')}\n`;
}

/**
 * One snapshot file a generated file (`<path>.snap`, so neither vitest nor tsc takes a generated test or module for
 * one of ours): the default project in full, each other case only where it differs from the default, so a one-line
 * template change is a one-file diff (issue 24).
 */
async function snapshotFiles(name: string, tree: FileTree, base?: FileTree): Promise<string[]> {
  const files = tree.entries().filter(([file, entry]) => !base || base.get(file)?.content.toString() !== entry.content.toString());
  for (const [file, entry] of files) await expect(entry.content.toString()).toMatchFileSnapshot(path.join(SNAPSHOTS, name, `${file}.snap`));
  if (base) {
    // the files the default has and this case has not
    const missing = base.paths().filter((file) => !tree.has(file));
    await expect(missing.length ? `${missing.join('\n')}\n` : '(none)\n').toMatchFileSnapshot(path.join(SNAPSHOTS, name, '_absent.txt'));
  }
  await expect(index(tree)).toMatchFileSnapshot(path.join(SNAPSHOTS, name, '_files.txt'));
  return files.map(([file]) => `${file}.snap`);
}

/** Snapshot files no planned file matches any more (a template removed or renamed): -u does not delete them. */
async function staleSnapshots(name: string, written: string[]): Promise<string[]> {
  const folder = path.join(SNAPSHOTS, name);
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  const kept = new Set([...written, '_files.txt', '_absent.txt']);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((file) => !kept.has(file));
}

describe.each(Object.entries(CASES))('generated tree: %s', (name, overrides) => {
  it('matches the committed snapshots (the default in full, this case where it differs)', async () => {
    const written = await snapshotFiles(name, await plan(overrides), name === 'default' ? undefined : await plan({}));
    expect(await staleSnapshots(name, written), `delete these from test/snapshot/__snapshots__/${name}/`).toEqual([]);
  });

  it('is formatted with its own Prettier settings: its format:check passes on what create wrote', async () => {
    const tree = await plan(overrides);
    const config = JSON.parse(String(tree.get('.prettierrc.json')!.content)) as prettier.Options;
    // what `prettier --check .` reads in the project: the kinds of file it formats, less its .prettierignore
    const ignored = String(tree.get('.prettierignore')!.content)
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    const isIgnored = (file: string) =>
      ignored.some((pattern) => (pattern.startsWith('*') ? file.endsWith(pattern.slice(1)) : file.startsWith(pattern)));
    expect(ignored).toEqual(['drizzle/', 'dist/', 'coverage/', '*.md', 'api-contract/', 'client/']);
    const unformatted: string[] = [];
    for (const [path, entry] of tree.entries()) {
      if (!/\.(ts|js|mjs|cjs|json|ya?ml)$/.test(path) || isIgnored(path)) continue;
      if (!(await prettier.check(entry.content.toString(), { ...config, filepath: path }))) unformatted.push(path);
    }
    expect(unformatted).toEqual([]);
  });

  it('passes its own ESLint rules that read no types (the e2e runs its whole npm run lint on installed projects)', async () => {
    const tree = await plan(overrides);
    // the project's eslint.config.js is the template's, byte for byte: lint with that file, less its type-aware rules
    // (they need the project's installed packages)
    expect(String(tree.get('eslint.config.js')!.content)).toBe(await readFile(TEMPLATE_ESLINT, 'utf8'));
    const files = tree.entries().map(([file, entry]): [string, string] => [file, entry.content.toString()]);
    expect(await lintProblems(files, path.join(CHECKED, name))).toEqual([]);
  });

  it('type-checks as its own tsconfig.json says, against the packages it depends on (the e2e installs them)', async () => {
    const tree = await plan(overrides);
    const dir = path.join(CHECKED, name);
    await rm(dir, { recursive: true, force: true });
    for (const [file, entry] of tree.entries()) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), entry.content);
    }
    expect(typeProblems(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('records its options in the manifest', async () => {
    const manifest = JSON.parse(String((await plan(overrides)).get('create-prod-api.json')!.content)) as {
      options: Record<string, unknown>;
    };
    expect(manifest.options).toMatchObject({ framework: 'fastify', database: 'sqlite', ...overrides });
  });
});

describe('the packages the rendered trees are type-checked against', () => {
  it("are versions a generated project's ranges take (src/features/versions.ts)", async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const generator = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const outside: string[] = [];
    for (const [name, range] of Object.entries(VERSIONS)) {
      if (!generator.devDependencies[name]) continue;
      const { version } = JSON.parse(await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      if (!semver.satisfies(version, range)) outside.push(`${name} ${version} (projects get ${range})`);
    }
    expect(outside).toEqual([]);
  });
});

describe('what the options select', () => {
  it('--api-keys adds the keys table after every other, its commands and settings, and says so in the manifest', async () => {
    for (const [options, tags] of [
      [
        { apiKeys: true },
        ['0000_auth', '0001_examples', '0002_list_orderings', '0003_row_versions', '0004_idempotency_keys', '0005_api_keys'],
      ],
      [{ apiKeys: true, example: false, database: 'mysql' as const }, ['0000_auth', '0001_idempotency_keys', '0002_api_keys']],
      [
        { apiKeys: true, database: 'postgres' as const },
        ['0000_auth', '0001_examples', '0002_list_orderings', '0003_row_versions', '0004_idempotency_keys', '0005_api_keys'],
      ],
    ] as const) {
      const tree = await plan(options);
      const journal = JSON.parse(String(tree.get('drizzle/meta/_journal.json')!.content)) as { entries: { tag: string }[] };
      expect(journal.entries.map((entry) => entry.tag)).toEqual(tags);
      const snapshots = tags.map(
        (tag) =>
          JSON.parse(String(tree.get(`drizzle/meta/${tag.slice(0, 4)}_snapshot.json`)!.content)) as {
            id: string;
            prevId: string;
            tables: object;
          },
      );
      snapshots.forEach((snapshot, index) => index > 0 && expect(snapshot.prevId).toBe(snapshots[index - 1]!.id));
      expect(Object.keys(snapshots.at(-1)!.tables).map((name) => name.replace(/^public\./, ''))).toContain('api_keys');
      expect(String(tree.get('src/db/schema.ts')!.content)).toContain("export * from '../apikeys/table.js';");
      expect(tree.has('src/apikeys/service.ts') && tree.has('src/cli/apikey.ts') && tree.has('test/api-keys.test.ts')).toBe(true);
      const pkg = JSON.parse(String(tree.get('package.json')!.content)) as { scripts: Record<string, string> };
      expect(pkg.scripts).toMatchObject({
        'apikey:create': 'tsx src/cli/apikey.ts create',
        'apikey:list': 'tsx src/cli/apikey.ts list',
        'apikey:revoke': 'tsx src/cli/apikey.ts revoke',
      });
      expect(String(tree.get('.env.example')!.content)).toContain('THROTTLE_APIKEY=5000/hour');
      const manifest = JSON.parse(String(tree.get('create-prod-api.json')!.content)) as { options: object; log: { args: string[] }[] };
      expect(manifest.options).toMatchObject({ apiKeys: true });
      expect(manifest.log[0]!.args).toContain('--api-keys');
    }
    // without the flag: none of it, and a manifest and log as before the option existed
    const without = await plan({});
    expect(without.paths().filter((path) => /api-?keys?/i.test(path))).toEqual([]);
    expect(String(without.get('.env.example')!.content)).not.toContain('THROTTLE_APIKEY');
    const manifest = JSON.parse(String(without.get('create-prod-api.json')!.content)) as { options: object; log: { args: string[] }[] };
    expect(manifest.options).not.toHaveProperty('apiKeys');
    expect(manifest.log[0]!.args).not.toContain('--api-keys');
  });

  it('auth none leaves out every auth file, dependency and script', async () => {
    const tree = await plan(CASES['auth-none-no-example-offset']!);
    expect(tree.paths().filter((path) => /auth|token|user-create/.test(path))).toEqual([]);
    const pkg = JSON.parse(String(tree.get('package.json')!.content)) as { dependencies: object; scripts: object };
    expect(pkg.dependencies).not.toHaveProperty('jose');
    expect(pkg.scripts).not.toHaveProperty('user:create');
  });

  it('the example adds products, orders and their migration after auth', async () => {
    const tree = await plan({});
    expect(tree.has('src/resources/products/v2/schemas.ts')).toBe(true);
    const journal = JSON.parse(String(tree.get('drizzle/meta/_journal.json')!.content)) as { entries: { tag: string }[] };
    expect(journal.entries.map((entry) => entry.tag)).toEqual([
      '0000_auth',
      '0001_examples',
      '0002_list_orderings',
      '0003_row_versions',
      '0004_idempotency_keys',
    ]);
    expect(tree.has('drizzle/0001_examples.sql')).toBe(true);
  });

  it('every project has the Idempotency-Keys table, its migration numbered after the others, its snapshot after theirs', async () => {
    const journeys = [
      [CASES['auth-none-no-example-offset']!, ['0000_idempotency_keys']],
      [{ example: false }, ['0000_auth', '0001_idempotency_keys']],
      [
        { database: 'postgres' as const },
        ['0000_auth', '0001_examples', '0002_list_orderings', '0003_row_versions', '0004_idempotency_keys'],
      ],
    ] as const;
    for (const [options, tags] of journeys) {
      const tree = await plan(options);
      const journal = JSON.parse(String(tree.get('drizzle/meta/_journal.json')!.content)) as { entries: { tag: string; when: number }[] };
      expect(journal.entries.map((entry) => entry.tag)).toEqual(tags);
      const whens = journal.entries.map((entry) => entry.when);
      expect(whens).toEqual([...whens].sort((a, b) => a - b));
      const last = tags.at(-1)!;
      expect(String(tree.get(`drizzle/${last}.sql`)!.content)).toContain('idempotency_keys');
      const snapshots = tags.map(
        (tag) => JSON.parse(String(tree.get(`drizzle/meta/${tag.slice(0, 4)}_snapshot.json`)!.content)) as { id: string; prevId: string },
      );
      // each snapshot follows the one before it, as drizzle-kit chains them
      snapshots.forEach((snapshot, index) =>
        expect(snapshot.prevId).toBe(index === 0 ? '00000000-0000-0000-0000-000000000000' : snapshots[index - 1]!.id),
      );
      expect(String(tree.get('src/db/schema.ts')!.content)).toContain("export * from '../idempotency/table.js';");
    }
  });

  it('the package name comes from the directory', async () => {
    const pkg = JSON.parse(String((await plan({})).get('package.json')!.content)) as { name: string; engines: object };
    expect(pkg.name).toBe('shop-api');
    expect(pkg.engines).toEqual({ node: '>=20.12' });
  });
});
