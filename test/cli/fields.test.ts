// add-field, remove-field and rename-field through the built CLI, on a
// generated project (no install): refusals are one line, exit 2, and leave the
// project byte for byte as it was; --dry-run writes nothing; an inherited
// resource gets its own copy; the user's edits survive.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyProject, generatedBase, ROOT, runCli, snapshotTree } from './helpers.js';

let base: string;

beforeAll(async () => {
  base = await generatedBase('cpa-fields-');
});

const project = () => copyProject(base, 'cpa-fields-');

/** api-contract/<v>.json: the version is released (its content does not matter to the generator). */
async function release(dir: string, version: string): Promise<void> {
  await mkdir(path.join(dir, 'api-contract'), { recursive: true });
  await writeFile(path.join(dir, 'api-contract', `${version}.json`), '{}\n');
}

const read = (dir: string, file: string) => readFile(path.join(dir, file), 'utf8');

describe('field commands refuse bad input: one line, exit 2, nothing written', () => {
  it.each([
    [
      [],
      ['add-field', 'widgets', 'size:int?'],
      'No resource "widgets" in this project (src/resources/widgets/table.ts); it has products, orders',
    ],
    [[], ['add-field', 'products', 'size:float'], 'unknown type "float"'],
    [[], ['add-field', 'products', 'a:int?,b:int?'], 'add-field takes one field'],
    [
      [],
      ['add-field', 'products', 'size:int'],
      'a new column needs a value for the rows that exist already; make it optional (size:int?) or give it a default',
    ],
    [[], ['add-field', 'products', 'maker_id:ref(products)?'], 'a ref column is not added to an existing resource by this command'],
    [
      [],
      ['add-field', 'products', 'stock:int?', '--version', 'v2'],
      "add-field: v2's products has a field stock already; to change its definition, remove-field it",
    ],
    [[], ['add-field', 'products', 'name:string', '--version', 'v1'], "add-field: v1's products has a field name already"],
    [
      [],
      ['add-field', 'products', `${'x'.repeat(55)}:string:unique:default=ab`, '--version', 'v2'],
      `The database name products_${'x'.repeat(55)}_unique would be 71 characters, over the 63`,
    ],
    [[], ['add-field', 'products', 'size:int?', '--version', 'v9'], 'Unknown version v9: the registry serves v1, v2'],
    [[], ['add-field', 'products', 'size:int?', '--version', 'V2'], '--version V2: versions are written v2'],
    [[], ['remove-field', 'products', 'stock'], "required option '--version <version>' not specified"],
    [
      [],
      ['remove-field', 'products', 'colour', '--version', 'v2'],
      "v2's products has no field colour; its fields are id, name, price, stock, created_at, updated_at",
    ],
    [
      [],
      ['remove-field', 'products', 'name', '--version', 'v2'],
      'v2 could not create a product without it (the column name is NOT NULL with no default)',
    ],
    [[], ['rename-field', 'products', 'name', 'price', '--version', 'v2'], "v2's products has a field price already"],
    [[], ['rename-field', 'products', 'name', 'Title', '--version', 'v2'], 'the name must be snake_case'],
    [
      [],
      ['rename-field', 'products', 'name', 'value_of', '--version', 'v2'],
      '"value_of" (the property valueOf) is a name every JavaScript object has already',
    ],
    [[], ['add-field', 'products', 'constructor:string?', '--version', 'v2'], 'name it e.g. constructor_name'],
    [
      ['v2'],
      ['remove-field', 'products', 'stock', '--version', 'v2'],
      'v2 is released (api-contract/v2.json): removing stock would break its clients. Make the change in a new version: create-prod-api add-version v3, then create-prod-api remove-field products stock --version v3.',
    ],
    [
      ['v2'],
      ['rename-field', 'products', 'name', 'title', '--version', 'v2'],
      'v2 is released (api-contract/v2.json): renaming name would break its clients',
    ],
    [
      ['v2'],
      ['add-field', 'products', 'size:int', '--version', 'v2'],
      'v2 is released (api-contract/v2.json): adding the required field size would break its clients',
    ],
    [[], ['list-field', 'products', 'price:filter=icontains', '--version', 'v2'], 'lookup "icontains" does not fit type decimal'],
    [[], ['list-field', 'products', 'colour:order', '--version', 'v2'], "v2's products has no field colour"],
    [
      [],
      ['list-field', 'products', 'price:min=0', '--version', 'v2'],
      'it takes list rules only (filter, filter=<lookups>, search, order)',
    ],
    [[], ['list-field', 'products', 'price:search', '--version', 'v2'], 'rule "search" does not fit type decimal'],
    [[], ['add-field', 'products', 'notes:text?:order', '--version', 'v2'], 'rule "order" does not fit type text'],
    [
      ['v2'],
      ['list-field', 'products', 'price:filter=gte:order', '--version', 'v2'],
      'v2 is released (api-contract/v2.json): removing the filter price, the filter price__gt, the filter price__lt, the filter price__lte would break its clients',
    ],
    [
      ['v2'],
      ['list-field', 'products', 'name', '--version', 'v2'],
      'removing the filter name, the filter name__icontains, the filter name__istartswith, searching name, ordering by name',
    ],
    // v1's orders are served by v2 too (inherited): a released v2 guards them
    [
      ['v2'],
      ['remove-field', 'orders', 'shipping_address', '--version', 'v1'],
      'v2 is released (api-contract/v2.json) (its orders are served by v1, v2)',
    ],
  ])('released %j, %j', async (released, args, message) => {
    const dir = await project();
    for (const version of released) await release(dir, version);
    const before = await snapshotTree(dir);
    const result = await runCli(args, { cwd: dir });
    expect(result.exitCode, result.stdout).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(await snapshotTree(dir)).toEqual(before);
  });
});

describe('field commands', () => {
  it('add-field on a released version: an optional field is compatible, and allowed', async () => {
    const dir = await project();
    await release(dir, 'v2');
    const result = await runCli(['add-field', 'products', 'size:int?:min=0', '--version', 'v2'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await read(dir, 'src/resources/products/v2/schemas.ts')).toContain(
      'size: { read: z.int32().nullable(), write: z.int32().min(0).nullable().optional() },',
    );
    expect(await read(dir, 'src/resources/products/table.ts')).toContain("size: int('size'),");
    // v1's schemas are v1's: untouched
    expect(await read(dir, 'src/resources/products/v1/schemas.ts')).not.toContain('size');
    expect(JSON.parse(await read(dir, 'create-prod-api.json')).resources.products.fields).toMatch(/,size:int\?:min=0$/);
  });

  it('a version that inherits the resource gets its own copy first; the versions before it do not move', async () => {
    const dir = await project();
    expect((await runCli(['add-version', 'v3'], { cwd: dir })).exitCode).toBe(0);
    const v2 = await read(dir, 'src/resources/products/v2/schemas.ts');
    const result = await runCli(['rename-field', 'products', 'name', 'title', '--version', 'v3'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('v3 inherited products from v2: it gets its own copy (src/resources/products/v3/)');
    expect(await read(dir, 'src/resources/products/v2/schemas.ts')).toBe(v2);
    const v3 = await read(dir, 'src/resources/products/v3/schemas.ts');
    // the renamed field still reads and writes the column `name`
    expect(v3).toContain("title: { read: z.string(), write: z.string().trim().min(1).max(200), source: 'name' },");
    expect(v3).not.toMatch(/\bname:/);
    expect(await read(dir, 'src/api/versions.ts')).toMatch(/v3: \[productsV3\]/);
    // the same command again: nothing to change
    const again = await runCli(['rename-field', 'products', 'name', 'title', '--version', 'v3'], { cwd: dir });
    expect(again.stdout).toContain('Nothing to change');
  });

  it('a field on the column a renamed field still writes is refused, naming the rename that would undo it', async () => {
    const dir = await project();
    expect((await runCli(['rename-field', 'products', 'name', 'title', '--version', 'v2'], { cwd: dir })).exitCode).toBe(0);
    const before = await snapshotTree(dir);
    const result = await runCli(['add-field', 'products', 'name:string?', '--version', 'v2'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "v2's products field title writes the column name already (a renamed field); rename-field products title name to call it name again",
    );
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('--dry-run prints the diff and writes nothing', async () => {
    const dir = await project();
    const before = await snapshotTree(dir);
    const result = await runCli(['add-field', 'products', 'discount:decimal?:max=100', '--dry-run'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("+    discount: decimal('discount', 12, 2),");
    expect(result.stdout).toContain('Then it would run drizzle-kit generate --name add_products_discount.');
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('a generated test of the version follows its fields', async () => {
    const dir = await project();
    expect((await runCli(['add-resource', 'category', '--fields', 'name:string,slug:string'], { cwd: dir })).exitCode).toBe(0);
    for (const args of [
      ['add-field', 'categories', 'rank:int?:min=0'],
      ['rename-field', 'categories', 'slug', 'handle', '--version', 'v2'],
      ['remove-field', 'categories', 'rank', '--version', 'v2'],
    ]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.exitCode, result.stderr).toBe(0);
    }
    const test = await read(dir, 'test/categories.test.ts');
    expect(test).toContain("expect(Object.keys(body).sort()).toEqual(['created_at', 'handle', 'id', 'name', 'updated_at']);");
    expect(test).toContain('handle: `slug ${i}`,');
    expect(test).not.toContain('rank');
  });

  it('list-field adds lookups to a released version (compatible) and an ordering with its index; add-field takes list rules', async () => {
    const dir = await project();
    await release(dir, 'v1');
    const added = await runCli(['list-field', 'products', 'stock:filter=exact|gt|gte|lt|lte|in:order', '--version', 'v1'], { cwd: dir });
    expect(added.exitCode, added.stderr).toBe(0);
    expect(await read(dir, 'src/resources/products/v1/schemas.ts')).toContain(
      "stock: { column: products.stock, type: 'integer', filter: ['exact', 'gt', 'gte', 'lt', 'lte', 'in'], order: true },",
    );
    // v2's list is v2's
    expect(await read(dir, 'src/resources/products/v2/schemas.ts')).not.toContain("'in']");
    // an ordering of a field the table had no index for: its index, and a migration (asked for: no install here)
    const ordered = await runCli(['list-field', 'orders', 'product_id:filter=exact|in:order', '--version', 'v1'], { cwd: dir });
    expect(ordered.exitCode, ordered.stderr).toBe(0);
    expect(await read(dir, 'src/resources/orders/table.ts')).toContain(
      "index('orders_user_product_id_id_idx').on(t.userId, t.productId, t.id)",
    );
    expect(ordered.stdout).toMatch(/drizzle-kit generate|db:generate/);
    const field = await runCli(['add-field', 'products', 'discount:decimal?:max=100:filter=gte|isnull:order', '--version', 'v2'], {
      cwd: dir,
    });
    expect(field.exitCode, field.stderr).toBe(0);
    expect(await read(dir, 'src/resources/products/v2/schemas.ts')).toContain(
      "discount: { column: products.discount, type: 'decimal', filter: ['gte', 'isnull'], order: true },",
    );
    expect(await read(dir, 'src/resources/products/table.ts')).toContain(
      "index('products_discount_id_idx').on(decimalOrder(t.discount), t.id)",
    );
    // rename and remove keep the list in step
    expect((await runCli(['rename-field', 'products', 'discount', 'rebate', '--version', 'v2'], { cwd: dir })).exitCode).toBe(0);
    expect(await read(dir, 'src/resources/products/v2/schemas.ts')).toContain("rebate: { column: products.discount, type: 'decimal'");
    expect((await runCli(['remove-field', 'products', 'rebate', '--version', 'v2'], { cwd: dir })).exitCode).toBe(0);
    expect(await read(dir, 'src/resources/products/v2/schemas.ts')).not.toContain('products.discount');
    // a second run changes nothing
    const again = await snapshotTree(dir);
    expect(
      (await runCli(['list-field', 'products', 'stock:filter=exact|gt|gte|lt|lte|in:order', '--version', 'v1'], { cwd: dir })).exitCode,
    ).toBe(0);
    expect(await snapshotTree(dir)).toEqual(again);
  });

  it('a version written before lists were declared: list rules are refused, saying how to declare its list', async () => {
    const dir = await project();
    const schemas = path.join(dir, 'src/resources/products/v2/schemas.ts');
    const text = await readFile(schemas, 'utf8');
    await writeFile(schemas, text.replace(/\/\*\* v2 list:[\s\S]*?\n}\);\n\n?/, ''));
    const before = await snapshotTree(dir);
    const result = await runCli(['list-field', 'products', 'price:order', '--version', 'v2'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('has no `productList = defineList({ fields: { ... } })` (it was written before lists were declared)');
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it("the user's edits survive every field command", async () => {
    const dir = await project();
    const fixture = path.join(ROOT, 'fixtures/user-edits');
    await cp(path.join(fixture, 'src'), path.join(dir, 'src'), { recursive: true });
    for (const args of [
      ['add-field', 'products', 'discount:decimal?:max=100', '--version', 'v2'],
      ['rename-field', 'products', 'name', 'title', '--version', 'v2'],
      ['remove-field', 'products', 'discount', '--version', 'v2'],
    ]) {
      const result = await runCli(args, { cwd: dir });
      expect(result.exitCode, result.stderr).toBe(0);
    }
    const schemas = await read(dir, 'src/resources/products/v2/schemas.ts');
    const userLines = (await read(fixture, 'src/resources/products/v2/schemas.ts')).split('\n').filter((line) => line.includes('USER'));
    expect(userLines.length).toBeGreaterThan(2);
    for (const line of userLines) expect(schemas).toContain(line.replace('name:', 'title:'));
  });
});
