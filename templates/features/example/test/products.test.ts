import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { createUser, login } from './support/auth.js';

describe('products', () => {
  let app: TestApp;
  let token: string;
  let userToken: string;
  beforeAll(async () => {
    app = await startTestApp();
    await createUser(app, 'alice', { staff: true });
    await createUser(app, 'bob');
    token = (await login(app, 'alice')).access;
    userToken = (await login(app, 'bob')).access;
  });
  afterAll(() => app.close());

  const create = (body: unknown) => app.request('/api/v1/products', { method: 'POST', body, token });
  /** A valid v1 body; `i` makes the values differ. The field commands' tests create their rows with it. */
  const payload = (i: number) => ({ name: `Product ${i}`, price: `${10 + i}.00`, stock: i });

  it('creates with 201 and reads price as a decimal string with two places', async () => {
    const response = await create({ name: 'Lamp', price: 12.5, stock: 3, is_featured: true });
    expect(response.status).toBe(201);
    const product = (await response.json()) as Record<string, unknown>;
    expect(product).toMatchObject({ name: 'Lamp', price: '12.50', stock: 3 });
    expect(Object.keys(product).sort()).toEqual(['created_at', 'id', 'name', 'price', 'stock', 'updated_at']);
  });

  it('reads are public; writes need a staff user: anonymous 401, any other user 403', async () => {
    const { id } = (await (await create(payload(1))).json()) as { id: number };
    const body = { name: 'x', price: '1', stock: 1 };
    for (const version of ['v1', 'v2']) {
      expect((await app.request(`/api/${version}/products`)).status).toBe(200);
      expect((await app.request(`/api/${version}/products/${id}`, { token: userToken })).status).toBe(200);
      const anonymous = await app.request(`/api/${version}/products`, { method: 'POST', body });
      expect(anonymous.status).toBe(401);
      const writes = [
        await app.request(`/api/${version}/products`, { method: 'POST', body, token: userToken }),
        await app.request(`/api/${version}/products/${id}`, { method: 'PATCH', body: { stock: 0 }, token: userToken }),
        await app.request(`/api/${version}/products/${id}`, { method: 'DELETE', token: userToken }),
      ];
      for (const denied of writes) {
        await expectError(denied, 403, { detail: 'You do not have permission to perform this action.' });
      }
    }
    // a product that does not exist is still a 404 for staff, and a 403 for a user, who may change none
    expect((await app.request('/api/v1/products/999999', { method: 'DELETE', token })).status).toBe(404);
    expect((await app.request(`/api/v1/products/${id}`)).status).toBe(200);
  });

  it('the OpenAPI document says which operations need a staff token', async () => {
    const document = (await (await app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security: unknown[] }>>;
    };
    expect(document.paths['/api/v1/products']!.get!.security).toEqual([]);
    // a staff user's token (or, with API keys, a staff user's key): never any user's
    const security = (path: string, method: string) => document.paths[path]![method]!.security;
    expect(security('/api/v1/products', 'post')).toContainEqual({ staffBearerAuth: [] });
    expect(security('/api/v1/products', 'post')).not.toContainEqual({ bearerAuth: [] });
    expect(security('/api/v1/products/{id}', 'delete')).toEqual(security('/api/v1/products', 'post'));
    expect(security('/api/v1/me', 'get')).toContainEqual({ bearerAuth: [] });
    expect(security('/api/v1/me', 'get')).not.toContainEqual({ staffBearerAuth: [] });
    // the statuses that follow from it: a staff-only write can answer 401 and 403, a public read neither 403
    const statuses = (path: string, method: string) =>
      Object.keys((document.paths[path]![method] as unknown as { responses: Record<string, unknown> }).responses);
    expect(statuses('/api/v1/products', 'post')).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415', '429']));
    expect(statuses('/api/v1/products', 'get')).not.toContain('403');
  });

  it('the OpenAPI document names its schemas, and describes a price as strictly as the server checks it', async () => {
    const document = (await (await app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
      components: { schemas: Record<string, { properties: Record<string, { anyOf?: { type: string; pattern?: string }[] }> }> };
    };
    const { schemas } = document.components;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['ProductRead', 'ProductWrite', 'ProductPatch', 'ProductPage', 'Error']));
    expect(document.paths['/api/v1/products']!.post!.requestBody!.content['application/json']!.schema).toEqual({
      $ref: '#/components/schemas/ProductWrite',
    });
    const pattern = new RegExp(schemas.ProductWrite!.properties.price!.anyOf!.find((branch) => branch.type === 'string')!.pattern!);
    for (const accepted of ['12.50', '0', '12345678.99', ' 7.5 ']) expect(pattern.test(accepted), accepted).toBe(true);
    for (const refused of ['abc', '1.234', '-1.00', '123456789', '1e3', '']) expect(pattern.test(refused), refused).toBe(false);
    // and the server agrees on each
    expect(
      (await app.request('/api/v1/products', { method: 'POST', token, body: { name: 'P', price: '12345678.99', stock: 1 } })).status,
    ).toBe(201);
    expect(
      (await app.request('/api/v1/products', { method: 'POST', token, body: { name: 'P', price: '123456789', stock: 1 } })).status,
    ).toBe(400);
  });

  it('validates with the reference messages', async () => {
    const response = await create({ name: '', price: 'cheap', stock: -1 });
    expect(response.status).toBe(400);
    expect((await envelope(response)).errors).toEqual({
      name: ['This field may not be blank.'],
      price: ['A valid number is required.'],
      stock: ['Ensure this value is greater than or equal to 0.'],
    });
    // an integer past its column's range is the client's mistake on every database
    const beyond = await create({ name: 'Lamp', price: '1.00', stock: 2147483648 });
    expect(beyond.status).toBe(400);
    expect((await envelope(beyond)).errors).toEqual({ stock: ['Ensure this value is less than or equal to 2147483647.'] });
  });

  it('detail, partial update, delete, then 404', async () => {
    const { id } = (await (await create({ name: 'Desk', price: '199.99', stock: 1 })).json()) as { id: number };
    expect(((await (await app.request(`/api/v1/products/${id}`)).json()) as { name: string }).name).toBe('Desk');

    const patched = await app.request(`/api/v1/products/${id}`, { method: 'PATCH', body: { price: '149' }, token });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: 'Desk', price: '149.00' });

    expect((await app.request(`/api/v1/products/${id}`, { method: 'DELETE', token })).status).toBe(204);
    const gone = await app.request(`/api/v1/products/${id}`);
    await expectError(gone, 404, { detail: 'Not found.' });
    expect((await app.request('/api/v1/products/not-a-number')).status).toBe(404);
    // past any id column: no object, on every database (never the database's out-of-range error)
    for (const beyond of ['2147483648', '9007199254740993', '99999999999999999999']) {
      const response = await app.request(`/api/v1/products/${beyond}`);
      expect(response.status, beyond).toBe(404);
      await expectError(response, 404, { detail: 'Not found.' });
      expect((await app.request(`/api/v1/products/${beyond}`, { method: 'DELETE', token })).status).toBe(404);
    }
  });

  it('v2 serves the same rows through its own read schema', async () => {
    const { id } = (await (await create({ name: 'Chair', price: '45.5', stock: 2 })).json()) as { id: number };
    const v1 = (await (await app.request(`/api/v1/products/${id}`)).json()) as { price: unknown };
    const v2 = (await (await app.request(`/api/v2/products/${id}`)).json()) as { price: unknown };
    expect(v1.price).toBe('45.50');
    expect(v2.price).toEqual({ amount: '45.50', currency: 'USD' });
  });

  it('the list is a cursor page', async () => {
    for (const name of ['A', 'B', 'C']) await create({ name, price: '1', stock: 1 });
    const page = (await (await app.request('/api/v1/products?page_size=2')).json()) as {
      results: unknown[];
      next: string | null;
      previous: null;
    };
    expect(page.results).toHaveLength(2);
    expect(page.next).toContain('cursor=');
    expect(page.previous).toBeNull();
  });
});
