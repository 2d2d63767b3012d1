// add-resource and add-version through the built CLI, on a generated project
// (no install): every refusal is one line, exit 2, and leaves the project
// byte-for-byte as it was; users' hand edits survive; a failed migration undoes it all.
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKED, lintProblems, typeProblems } from '../support/project-checks.js';
import { copyProject, generatedBase, ROOT, runCli, snapshotTree, tempDir } from './helpers.js';

let base: string;

beforeAll(async () => {
  base = await generatedBase('cpa-grow-');
});

const project = () => copyProject(base, 'cpa-grow-');

/** The project's "installed" drizzle-kit, as a script of the test's own. */
async function fakeDrizzleKit(dir: string, script: string): Promise<void> {
  const bin = path.join(dir, 'node_modules/.bin');
  await mkdir(bin, { recursive: true });
  await writeFile(path.join(bin, 'drizzle-kit'), `#!/bin/sh\n${script}\n`);
  await chmod(path.join(bin, 'drizzle-kit'), 0o755);
}

describe('add-resource and add-version refuse bad input: one line, exit 2, nothing written', () => {
  it.each([
    [['add-resource', 'products', '--fields', 'name:string'], 'Resource "products" exists already'],
    [['add-resource', 'Product', '--fields', 'name:string'], 'Resource "products" exists already'],
    [['add-resource', 'auth', '--fields', 'name:string'], 'is a reserved name'],
    [['add-resource', 'class', '--fields', 'name:string'], 'is a reserved name'],
    [['add-resource', 'category', '--fields', 'name:float'], 'unknown type "float"'],
    [['add-resource', 'category', '--fields', 'name:boolean:min=1'], 'rule "min" does not fit type boolean; boolean takes default'],
    [['add-resource', 'category', '--fields', 'name:string:maxLength=abc'], 'maxLength=abc must be a whole number'],
    [['add-resource', 'category', '--fields', 'id:int'], '"id" is set by the generated code itself'],
    [['add-resource', 'category', '--fields', 'tag:enum(a)'], 'enum needs two or more values'],
    [
      ['add-resource', 'category', '--fields', 'shop_id:ref(shops)'],
      'ref(shops) names no resource of this project; it has products, orders, users',
    ],
    [['add-resource', 'category', '--fields', 'name:string', '--version', 'v9'], 'Unknown version v9: the registry serves v1, v2'],
    [['add-resource', 'category'], 'add-resource needs --fields'],
    [
      ['add-resource', 'refresh-token', '--fields', 'name:string'],
      'would clash with the table refresh_tokens (refreshTokens in src/auth/tables.ts)',
    ],
    [
      ['add-resource', 'review', '--fields', 'product_id:ref(products):unique'],
      'rule "unique" does not fit type ref; ref takes filter, order',
    ],
    [
      ['add-resource', 'quarterly-supplier-performance-review', '--fields', 'primary_regional_distribution_center_id:ref(products)'],
      'over the 63 PostgreSQL and MySQL keep',
    ],
    [['add-resource', 'orders', '--version', 'v7', '--from', 'v1'], 'Unknown version v7'],
    [['add-version', 'v1'], 'Version v1 exists already'],
    [['add-version', 'v3', '--from', 'v7'], 'Unknown version v7'],
    [['add-version', 'v3', '--deprecate', 'v1'], '--deprecate and --sunset go together'],
    [['add-version', 'v3', '--deprecate', 'v1', '--sunset', '2020-01-01'], 'must be a date after today'],
    [['add-version', 'three'], 'version three is not a version'],
    [['add-resource', 'category', '--fields', 'name:string,'], '--fields has an empty entry (number 2 of 2): remove the extra comma.'],
    [['add-resource', 'category', '--fields', 'a:string,,b:int'], '--fields has an empty entry (number 2 of 3)'],
    [['add-resource', 'category', '--fields', 'tag:string:default=a,b'], '"tag:string:default=a,b": a default cannot contain ","'],
    [
      ['add-version', 'v3', '--deprecate', 'v9', '--sunset', '2099-01-01'],
      '--deprecate v9: there is no v9 to deprecate; the registry serves v1, v2.',
    ],
    [['add-version', 'V3'], 'version V3: versions are written v3 (a lowercase v and a number); use v3.'],
    [['add-version', '3'], 'version 3: versions are written v3 (a lowercase v and a number); use v3.'],
    [
      ['add-resource', 'category', '--fields', 'name:string', '--version', 'V2'],
      '--version V2: versions are written v2 (a lowercase v and a number); use --version v2.',
    ],
    [['add-version', 'v3', '--deprecate', '1', '--sunset', '2099-01-01'], '--deprecate 1: versions are written v1'],
  ])('%j', async (args, message) => {
    const dir = await project();
    const before = await snapshotTree(dir);
    const result = await runCli(args, { cwd: dir });
    expect(result.exitCode, result.stdout).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('a version copy that is there already: nothing to change, exit 0', async () => {
    const dir = await project();
    const before = await snapshotTree(dir);
    const result = await runCli(['add-resource', 'products', '--version', 'v2', '--from', 'v1'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Nothing to change: everything asked for is there already.');
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('a folder that is not a generated project', async () => {
    const dir = await tempDir();
    const result = await runCli(['add-resource', 'category', '--fields', 'name:string'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      `error: ${dir} is not a project made by create-prod-api: it has no create-prod-api.json. Run this command in the project's root folder.`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('a registry the user replaced: says which declaration it looked for and how to restore it', async () => {
    const dir = await project();
    await writeFile(path.join(dir, 'src/api/versions.ts'), 'export const routes = [];\n');
    const before = await snapshotTree(dir);
    const result = await runCli(['add-resource', 'category', '--fields', 'name:string'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'src/api/versions.ts has no `export const registry = { defaultVersion, versions: { v1: [...] }, deprecated: {} }`',
    );
    expect(result.stderr).toContain('Restore it');
    expect(await snapshotTree(dir)).toEqual(before);
  });
});

describe('add-resource', () => {
  it('goes to the newest version that is not deprecated; into a deprecated one only when named, with a warning', async () => {
    const dir = await project();
    expect((await runCli(['add-resource', 'category', '--fields', 'name:string'], { cwd: dir })).exitCode).toBe(0);
    let registry = await readFile(path.join(dir, 'src/api/versions.ts'), 'utf8');
    expect(registry).toContain('v2: [productsV2, categoriesV2]');
    expect(existsSync(path.join(dir, 'src/resources/categories/v2/routes.ts'))).toBe(true);

    expect((await runCli(['add-version', 'v3', '--deprecate', 'v2', '--sunset', '2099-12-31'], { cwd: dir })).exitCode).toBe(0);
    expect((await runCli(['add-resource', 'tag', '--fields', 'name:string'], { cwd: dir })).exitCode).toBe(0);
    const named = await runCli(['add-resource', 'label', '--fields', 'name:string', '--version', 'v2'], { cwd: dir });
    expect(named.exitCode, named.stderr).toBe(0);
    expect(named.stdout + named.stderr).toContain('v2 is deprecated: clients are moving off it.');
    registry = await readFile(path.join(dir, 'src/api/versions.ts'), 'utf8');
    expect(registry).toContain('v2: [productsV2, categoriesV2, labelsV2]');
    expect(registry).toContain('v3: [tagsV3]');
  });

  it('--dry-run prints a unified diff of every file and writes nothing', async () => {
    const dir = await project();
    const before = await snapshotTree(dir);
    const result = await runCli(['add-resource', 'category', '--fields', 'name:string:unique', '--dry-run'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('--- /dev/null\n+++ b/src/resources/categories/table.ts');
    // the newest version that is not deprecated: v2
    expect(result.stdout).toContain("+import { categoriesV2 } from '../resources/categories/v2/routes.js';");
    expect(result.stdout).toContain('-    v2: [productsV2],\n+    v2: [productsV2, categoriesV2],');
    expect(result.stdout).toContain("+export * from '../resources/categories/table.js';");
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('without installed dependencies: writes the resource and says the migration command', async () => {
    const dir = await project();
    const result = await runCli(['add-resource', 'order-item', '--fields', 'quantity:int:min=1'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('npm run db:generate -- --name add_order_items');
    const table = await readFile(path.join(dir, 'src/resources/order-items/table.ts'), 'utf8');
    expect(table).toContain("export const orderItems = table(\n  'order_items',");
    expect(existsSync(path.join(dir, 'test/order-items.test.ts'))).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(dir, 'create-prod-api.json'), 'utf8')) as { resources: Record<string, unknown> };
    expect(manifest.resources['order-items']).toEqual({
      fields: 'quantity:int:min=1',
      access: 'public-read',
      pagination: 'cursor',
      versions: ['v2'],
    });
  });

  it.each([
    ['staff-write', "access: { read: 'public', write: 'staff' }", 'reads are public; writes need a staff user'],
    ['staff', "access: { read: 'staff', write: 'staff' }", 'only staff users read and write'],
  ])('--access %s: the routes say it, the manifest records it, the test meets the 403', async (access, rule, testTitle) => {
    const dir = await project();
    const result = await runCli(['add-resource', 'category', '--fields', 'name:string', '--access', access], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'src/resources/categories/v2/routes.ts'), 'utf8')).toContain(rule);
    const test = await readFile(path.join(dir, 'test/categories.test.ts'), 'utf8');
    expect(test).toContain(testTitle);
    expect(test).toContain("await createUser(app, 'alice', { staff: true });");
    expect(test).toMatch(/token: otherToken \}\)\)\.status\)\.toBe\(403\)|await expectError\(denied, 403,/);
    const manifest = JSON.parse(await readFile(path.join(dir, 'create-prod-api.json'), 'utf8')) as {
      resources: Record<string, { access: string }>;
    };
    expect(manifest.resources.categories!.access).toBe(access);
  });

  it('--access names the choices when it gets an unknown one', async () => {
    const dir = await project();
    const result = await runCli(['add-resource', 'category', '--fields', 'name:string', '--access', 'admins'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('public-read, staff-write, authenticated, owner, staff, public');
  });

  it('a migration that fails puts every file back as it was', async () => {
    const dir = await project();
    await fakeDrizzleKit(dir, 'echo "half" > drizzle/0002_half.sql\necho "drizzle-kit: cannot read the schema" >&2\nexit 1');
    const before = await snapshotTree(dir);
    const result = await runCli(['add-resource', 'category', '--fields', 'name:string'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('drizzle-kit could not generate the migration');
    expect(result.stderr).toContain('cannot read the schema');
    expect(await snapshotTree(dir)).toEqual(before);
    expect(existsSync(path.join(dir, 'src/resources/categories'))).toBe(false);
  });

  it('a file Prettier cannot parse: exit 1, names the file and where, writes nothing', async () => {
    const dir = await project();
    await writeFile(path.join(dir, 'src/db/schema.ts'), `${await readFile(path.join(dir, 'src/db/schema.ts'), 'utf8')}\nconst = ;\n`);
    const before = await snapshotTree(dir);
    const result = await runCli(['add-resource', 'category', '--fields', 'name:string'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Prettier could not format the change: src/db/schema.ts: Variable declaration expected.');
    expect(result.stderr).toContain('Nothing was written.');
    expect(await snapshotTree(dir)).toEqual(before);
  });
});

describe('Ctrl-C while drizzle-kit runs', () => {
  it('stops it, puts every file back and exits 130', async () => {
    const dir = await project();
    // exec: the sleep is drizzle-kit itself, as a real (node) drizzle-kit is one process, not a shell with a child
    await fakeDrizzleKit(dir, 'echo started > drizzle/started.txt\nexec sleep 30');
    const before = await snapshotTree(dir);
    const child = runCli(['add-resource', 'category', '--fields', 'name:string'], { cwd: dir });
    while (!existsSync(path.join(dir, 'drizzle/started.txt'))) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('Cancelled: every file was put back as it was.');
    expect(await snapshotTree(dir)).toEqual(before);
  });
});

describe("the user's own edits survive", () => {
  it('a custom route, a renamed import, comments and a reordered, reformatted registry', async () => {
    const dir = await project();
    const fixture = path.join(ROOT, 'fixtures/user-edits');
    await cp(path.join(fixture, 'src'), path.join(dir, 'src'), { recursive: true });
    const userLines = async () =>
      (await Promise.all(['src/api/versions.ts', 'src/db/schema.ts'].map((file) => readFile(path.join(fixture, file), 'utf8'))))
        .flatMap((text) => text.split('\n'))
        .filter((line) => line.includes('USER'));

    const commands = [
      ['add-resource', 'category', '--fields', 'name:string:unique', '--version', 'v1'],
      ['add-resource', 'review', '--fields', 'product_id:ref(products),rating:int:min=1:max=5', '--access', 'owner', '--version', 'v1'],
      ['add-version', 'v3', '--from', 'v1', '--deprecate', 'v1', '--sunset', '2099-12-31'],
      ['add-resource', 'categories', '--version', 'v2', '--from', 'v1'],
    ];
    for (const args of commands) {
      const result = await runCli(args, { cwd: dir });
      expect(result.exitCode, `${args.join(' ')}\n${result.stderr}`).toBe(0);
    }

    const registry = await readFile(path.join(dir, 'src/api/versions.ts'), 'utf8');
    const index = await readFile(path.join(dir, 'src/db/schema.ts'), 'utf8');
    for (const line of await userLines()) expect(registry + index).toContain(line);
    // the renamed import is used, not imported again
    expect(registry.match(/productsV1/g)).toHaveLength(1);
    expect(registry).toContain(
      'v1: [\n      ordersV1,\n      catalogue,\n      meV1,\n      pingV1, // USER: keep ping last\n      categoriesV1,\n      reviewsV1,\n    ],',
    );
    expect(registry).toContain('v2: [productsV2, categoriesV2],');
    expect(registry).toContain('v3: [ordersV3, productsV3, meV1, pingV1, categoriesV3, reviewsV3]');
    expect(registry).toContain("v1: { since: '");
    expect(registry).toContain("sunset: '2099-12-31', successor: 'v3' }");
    expect(index.trimEnd().split('\n').slice(-2)).toEqual([
      "export * from '../resources/categories/table.js';",
      "export * from '../resources/reviews/table.js';",
    ]);
    await rm(path.dirname(dir), { recursive: true, force: true });
  });
});

describe('a project grown by every command', () => {
  it('type-checks and passes its ESLint rules that read no types (the e2e lints grown projects with all of them)', async () => {
    const dir = path.join(CHECKED, `grown-${process.pid}`);
    await rm(dir, { recursive: true, force: true });
    await cp(base, dir, { recursive: true });
    const commands = [
      ['add-resource', 'category', '--fields', 'name:string:unique:filter:search:order,slug:string:maxLength=80,description:text?'],
      [
        'add-resource',
        'review',
        '--fields',
        'product_id:ref(products),rating:int:min=1:max=5:filter=gte|lte,body:text',
        '--access',
        'owner',
      ],
      ['add-resource', 'note', '--fields', 'body:text,pinned:boolean:default=false', '--access', 'authenticated'],
      ['add-resource', 'audit', '--fields', 'action:enum(create|delete),at:datetime:order', '--access', 'staff'],
      ['add-resource', 'tag', '--fields', 'label:string,ref_id:uuid?', '--access', 'staff-write', '--pagination', 'offset'],
      // every branch of the repository's template at once: offset, owner, a reference
      ['add-resource', 'wish', '--fields', 'product_id:ref(products),note:text?', '--access', 'owner', '--pagination', 'offset'],
      ['add-version', 'v3', '--from', 'v2'],
      ['add-field', 'categories', 'position:int?:min=0:filter', '--version', 'v3'],
      ['rename-field', 'categories', 'slug', 'handle', '--version', 'v3'],
      ['remove-field', 'categories', 'description', '--version', 'v3'],
      ['list-field', 'products', 'stock:filter=gte|lte:order', '--version', 'v3'],
    ];
    for (const args of commands) {
      const result = await runCli(args, { cwd: dir });
      expect(result.exitCode, `${args.join(' ')}\n${result.stderr}`).toBe(0);
    }
    const files: [string, string][] = [];
    for (const folder of ['src', 'test']) {
      for (const entry of await readdir(path.join(dir, folder), { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const file = path.join(entry.parentPath, entry.name);
        files.push([path.relative(dir, file), await readFile(file, 'utf8')]);
      }
    }
    expect(await lintProblems(files, dir)).toEqual([]);
    expect(typeProblems(dir)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  }, 120_000);
});
