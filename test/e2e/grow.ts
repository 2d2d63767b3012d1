// The second half of the product, as a user runs it in an installed project.
// First the example API is called through v1 and v2 and their answers kept.
// Then: two resources added (one referring to the other), v3 added (it
// inherits v2) with v1 deprecated, v3 given its own categories (a shorter
// name) and, with the field commands, a products discount, no stock and a
// title for the name; contract:check after every step. Then the project
// typechecks, passes its own tests, builds and migrates the same database, v1
// and v2 answer byte for byte as before, and v3 shows the changes.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { lintDocuments } from './differential.js';
import { adminStatement, inProject, projectCli, startServer, stopServer, withDatabase, type RunningServer } from './support.js';

export interface GrowOptions {
  /** a PostgreSQL or MySQL server's URL; SQLite when absent */
  readonly server?: { database: 'postgres' | 'mysql'; url: string };
}

const PASSWORD = 's3cret-pass';

export async function growJourney(project: string, options: GrowOptions = {}): Promise<void> {
  const cli = (args: string[]) => projectCli(project, args);
  const contractCheck = async () => expect(await inProject(project, 'npm', ['run', 'contract:check'])).not.toContain('breaks');
  // v1 and v2 are released before the journey (contract:update), as a team would have them
  if (!existsSync(path.join(project, 'api-contract/v1.json'))) await inProject(project, 'npm', ['run', 'contract:update']);

  await inProject(project, 'npm', ['run', 'build']);
  const name = `grow_${Date.now().toString(36)}`;
  if (options.server) await adminStatement(project, options.server.database, `CREATE DATABASE ${name}`);
  try {
    const env = {
      NODE_ENV: 'production',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
      DATABASE_URL: options.server ? withDatabase(options.server.url, name) : `./data/${name}.sqlite`,
      LOG_LEVEL: 'warn',
    };
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'grower', '--password', PASSWORD, '--staff'], env);
    await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'reader', '--password', PASSWORD], env);
    const before = await withServer(project, env, seedAndCapture);

    await addResources(cli);
    await contractCheck();
    const version = await cli(['add-version', 'v3', '--deprecate', 'v1', '--sunset', '2099-12-31']);
    expect(version).toContain('src/api/versions.ts');
    await contractCheck();
    // v3 gets its own categories, and the user makes the name shorter there. v1 must not notice.
    await cli(['add-resource', 'category', '--version', 'v3', '--from', 'v1']);
    const v3Schemas = path.join(project, 'src/resources/categories/v3/schemas.ts');
    const text = await readFile(v3Schemas, 'utf8');
    const line = 'name: { read: z.string(), write: z.string().trim().min(1).max(255) },';
    expect(text).toContain(line);
    await writeFile(v3Schemas, text.replace(line, 'name: { read: z.string(), write: z.string().trim().min(1).max(20) },'));
    await contractCheck();
    // the field commands, each followed by contract:check (v1 and v2 are released; v3 is not)
    // filtered and ordered: a nullable ordering, with its index in the same migration
    expect(await cli(['add-field', 'products', 'discount:decimal?:max=100:filter=gte|isnull:order', '--version', 'v3'])).toMatch(
      /Migration: drizzle\/\d{4}_add_products_discount\.sql/,
    );
    await contractCheck();
    // a released version's list may gain a lookup (compatible), never lose one
    expect(await cli(['list-field', 'products', 'stock:filter=exact|gt|gte|lt|lte|in:order', '--version', 'v2'])).toContain(
      'src/resources/products/v2/schemas.ts',
    );
    expect(await inProject(project, 'npm', ['run', 'contract:check'])).toMatch(/stock__in +added/);
    await expect(cli(['list-field', 'products', 'stock', '--version', 'v2'])).rejects.toThrow('v2 is released (api-contract/v2.json)');
    await contractCheck();
    expect(await cli(['remove-field', 'products', 'stock', '--version', 'v3'])).toContain('src/resources/products/v3/schemas.ts');
    await contractCheck();
    expect(await cli(['rename-field', 'products', 'name', 'title', '--version', 'v3'])).toContain('src/resources/products/v3/schemas.ts');
    await contractCheck();
    // on a released version the same change is refused, with the safe way named
    await expect(cli(['remove-field', 'products', 'stock', '--version', 'v2'])).rejects.toThrow(
      'Make the change in v3, which is not released: create-prod-api remove-field products stock --version v3.',
    );

    const testEnv = options.server ? { DATABASE_URL: options.server.url } : {};
    await inProject(project, 'npx', ['tsc', '--noEmit']);
    // what the commands wrote passes ESLint and is formatted too, released contracts and all (the generated CI's lint)
    await inProject(project, 'npm', ['run', 'lint']);
    const tests = await inProject(project, 'npm', ['test'], testEnv);
    expect(tests).toContain('test/categories.test.ts');
    expect(tests).toContain('test/reviews.test.ts');
    await inProject(project, 'npm', ['run', 'build']);
    expect(await inProject(project, 'npm', ['run', 'contract:check'])).toContain('compatible changes');
    // the migrations the commands made match the tables: nothing left to generate
    expect(await inProject(project, 'npx', ['drizzle-kit', 'generate'])).toContain('No schema changes');

    // the same database, migrated forward
    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    await withServer(project, env, async (running) => {
      const after = await capture(running.url, before.requests);
      for (const [request, answer] of Object.entries(before.answers))
        expect({ request, answer: after[request] }).toEqual({ request, answer });
      await callV3(running.url, before.productId);
      await callNewEndpoints(running.url);
      // the grown documents (new resources, a deprecated v1, a v3 of its own) still lint clean
      expect(await lintDocuments(running, ['v1', 'v2', 'v3'])).toEqual([]);
    });
  } finally {
    if (options.server) await adminStatement(project, options.server.database, `DROP DATABASE IF EXISTS ${name}`);
  }
}

async function addResources(cli: (args: string[]) => Promise<string>): Promise<void> {
  // a catalogue: anyone reads, staff write (the generated test meets the 403 with an ordinary user)
  const category = await cli([
    'add-resource',
    'category',
    '--fields',
    'name:string:unique:filter:search:order,slug:string:maxLength=80:filter=exact,description:text?:filter=isnull|icontains:search',
    '--access',
    'staff-write',
    // v1 by name (new resources go to the newest version by default): v2 and v3 inherit it
    '--version',
    'v1',
  ]);
  expect(category).toMatch(/Migration: drizzle\/\d{4}_add_categories\.sql/);
  // on a released version: adding is fine, changing an existing resource there is not
  expect(category).toContain('v1 is released (api-contract/v1.json)');
  const review = await cli([
    'add-resource',
    'review',
    '--fields',
    'category_id:ref(categories):filter,rating:int:min=1:max=5:filter=gte,lte:order,body:text',
    '--access',
    'owner',
    '--version',
    'v1',
  ]);
  expect(review).toMatch(/Migration: drizzle\/\d{4}_add_reviews\.sql/);
}

async function withServer<T>(project: string, env: NodeJS.ProcessEnv, run: (running: RunningServer) => Promise<T>): Promise<T> {
  const running = await startServer(project, env);
  try {
    return await run(running);
  } finally {
    const stopped = await stopServer(running);
    expect(stopped.exitCode, running.output()).toBe(0);
  }
}

async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  return ((await response.json()) as { access: string }).access;
}

function caller(url: string, token: string) {
  return (method: string, route: string, body?: unknown, as = token) =>
    fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

interface Captured {
  readonly requests: Record<string, 'grower' | 'reader' | null>;
  readonly answers: Record<string, string>;
  readonly productId: number;
}

/** Two products and an order through v1, then what v1 and v2 answer about them (and the documents' products). */
async function seedAndCapture(running: RunningServer): Promise<Captured> {
  const call = caller(running.url, await login(running.url, 'grower'));
  const ids: number[] = [];
  for (const product of [
    { name: 'Lamp', price: '12.50', stock: 7 },
    { name: 'Desk', price: '199.00', stock: 2 },
  ]) {
    const response = await call('POST', '/api/v1/products', product);
    expect(response.status).toBe(201);
    ids.push(((await response.json()) as { id: number }).id);
  }
  const readerCall = caller(running.url, await login(running.url, 'reader'));
  const order = await readerCall('POST', '/api/v1/orders', { product_id: ids[0], quantity: 2, shipping_address: '1 Main St' });
  expect(order.status).toBe(201);
  const orderId = ((await order.json()) as { id: number }).id;
  const requests: Captured['requests'] = {};
  for (const version of ['v1', 'v2']) {
    Object.assign(requests, {
      [`/api/${version}/products?page_size=1`]: null,
      [`/api/${version}/products/${ids[0]}`]: null,
      [`/api/${version}/products/999999`]: null,
      [`/api/${version}/orders`]: 'reader',
      [`/api/${version}/orders/${orderId}`]: 'reader',
      [`/api/${version}/me`]: 'reader',
      [`/api/${version}/openapi.json#products`]: null,
    });
  }
  return { requests, answers: await capture(running.url, requests), productId: ids[0]! };
}

/** Each request's status and body, with the server's own address taken out (cursor links name it). */
async function capture(url: string, requests: Captured['requests']): Promise<Record<string, string>> {
  const tokens = { grower: await login(url, 'grower'), reader: await login(url, 'reader') };
  const answers: Record<string, string> = {};
  for (const [request, user] of Object.entries(requests)) {
    const [route, part] = request.split('#');
    const response = await fetch(`${url}${route}`, user ? { headers: { authorization: `Bearer ${tokens[user]}` } } : {});
    let body = (await response.text()).replaceAll(url, 'http://server');
    // a document: the products' paths and schemas (the v1 document gains the categories added to v1, and is
    // marked deprecated by the journey: the one change a released version takes)
    if (part === 'products') {
      // (and the v2 list gains `stock__in` from the journey's list-field: a compatible change, which contract:check names)
      const document = JSON.parse(body, (key, value: unknown) =>
        key === 'deprecated'
          ? undefined
          : key === 'parameters' && Array.isArray(value)
            ? value.filter((parameter: { name?: string }) => parameter.name !== 'stock__in')
            : value,
      ) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
      const pick = <T>(record: Record<string, T>, test: (key: string) => boolean) =>
        Object.fromEntries(Object.entries(record).filter(([key]) => test(key)));
      body = JSON.stringify({
        paths: pick(document.paths, (key) => key.includes('/products')),
        schemas: pick(document.components.schemas, (key) => key.startsWith('Product')),
      });
    }
    answers[request] = `${response.status} ${response.headers.get('content-type')}\n${body}`;
  }
  return answers;
}

/** v3: the product with a discount, without stock, its name as title; and every route of v2 (me, orders) served. */
async function callV3(url: string, productId: number): Promise<void> {
  const call = caller(url, await login(url, 'grower'));
  const product = (await (await call('GET', `/api/v3/products/${productId}`)).json()) as Record<string, unknown>;
  expect(Object.keys(product).sort()).toEqual(['created_at', 'discount', 'id', 'price', 'title', 'updated_at']);
  expect(product).toMatchObject({ title: 'Lamp', price: { amount: '12.50', currency: 'USD' }, discount: null });
  const created = await call('POST', '/api/v3/products', { title: 'Chair', price: '45.00', discount: '5.5' });
  expect(created.status).toBe(201);
  const chair = (await created.json()) as { id: number };
  expect(chair).toMatchObject({ title: 'Chair', discount: '5.50' });
  const tooMuch = await call('POST', '/api/v3/products', { title: 'Chair', price: '45.00', discount: '101' });
  expect(tooMuch.status).toBe(400);
  expect(Object.keys(((await tooMuch.json()) as { errors: object }).errors)).toEqual(['discount']);
  // v1 sees the row v3 made as it sees every row: its name, its stock (the column's default), no discount
  const v1 = (await (await call('GET', `/api/v1/products/${chair.id}`)).json()) as Record<string, unknown>;
  expect(v1).toMatchObject({ name: 'Chair', stock: 0 });
  expect(v1).not.toHaveProperty('discount');
  // v3's list follows its fields: the renamed title filters and searches, the new discount orders (empty ones last), stock is gone
  const list = async (query: string) => {
    const response = await call('GET', `/api/v3/products?page_size=100&${query}`);
    expect(response.status, query).toBe(200);
    return ((await response.json()) as { results: { id: number; discount: string | null }[] }).results;
  };
  expect((await list('title__icontains=HAIR')).map((row) => row.id)).toEqual([chair.id]);
  const byDiscount = await list('ordering=discount');
  expect(byDiscount[0]!.id).toBe(chair.id);
  expect(byDiscount.slice(1).every((row) => row.discount === null)).toBe(true);
  expect((await list('discount__isnull=false')).map((row) => row.id)).toEqual([chair.id]);
  expect(await (await call('GET', '/api/v3/products?ordering=stock')).json()).toEqual({
    status: 'error',
    code: 400,
    errors: { ordering: ['Invalid ordering field "stock".'] },
  });
  for (const version of ['v1', 'v2', 'v3']) {
    for (const route of ['/me', '/orders']) expect((await call('GET', `/api/${version}${route}`)).status, `${version}${route}`).toBe(200);
  }
}

async function callNewEndpoints(url: string): Promise<void> {
  const [access, readerAccess] = [await login(url, 'grower'), await login(url, 'reader')];
  const call = caller(url, access);

  // categories were added with --access staff-write: an ordinary user is refused, the staff user writes
  const denied = await call('POST', '/api/v3/categories', { name: 'Nope', slug: 'nope' }, readerAccess);
  expect(denied.status).toBe(403);
  expect(await denied.json()).toEqual({
    status: 'error',
    code: 403,
    errors: { detail: 'You do not have permission to perform this action.' },
  });

  const longName = 'A name of thirty characters!!';
  const created = await call('POST', '/api/v1/categories', { name: longName, slug: 'long' });
  expect(created.status).toBe(201);
  expect(created.headers.get('deprecation')).toMatch(/^@\d+$/);
  expect(created.headers.get('sunset')).toContain('2099');
  const { id: categoryId } = (await created.json()) as { id: number };

  const tooLong = await call('POST', '/api/v3/categories', { name: `${longName} 2`, slug: 'long-2' });
  expect(tooLong.status).toBe(400);
  expect(Object.keys(((await tooLong.json()) as { errors: object }).errors)).toEqual(['name']);
  const v3 = await call('POST', '/api/v3/categories', { name: 'Books', slug: 'books' });
  expect(v3.status).toBe(201);
  expect(v3.headers.get('deprecation')).toBeNull();

  const duplicate = await call('POST', '/api/v3/categories', { name: 'Books', slug: 'books-again' });
  expect(duplicate.status).toBe(400);
  expect(await duplicate.json()).toMatchObject({ errors: { name: ['This field must be unique.'] } });

  const review = await call('POST', '/api/v1/reviews', { category_id: categoryId, rating: 5, body: 'Great shelf.' });
  expect(review.status).toBe(201);
  const missing = await call('POST', '/api/v3/reviews', { category_id: 999999, rating: 5, body: 'Nowhere.' });
  expect(missing.status).toBe(400);
  expect(await missing.json()).toMatchObject({ errors: { category_id: ['Invalid pk "999999" - object does not exist.'] } });

  const list = (await (await call('GET', '/api/v3/reviews?page_size=10')).json()) as { results: { category_id: number; rating: number }[] };
  expect(list.results).toEqual([expect.objectContaining({ category_id: categoryId, rating: 5 })]);
  expect((await fetch(`${url}/api/v3/reviews`)).status).toBe(401);
  const categories = (await (await fetch(`${url}/api/v3/categories`)).json()) as { results: unknown[] };
  expect(categories.results).toHaveLength(2);
  // v2 lists no categories of its own: it serves v1's (a version inherits what it does not redefine)
  const v2 = await fetch(`${url}/api/v2/categories`);
  expect(v2.status).toBe(200);
  expect(((await v2.json()) as { results: unknown[] }).results).toHaveLength(2);
}
