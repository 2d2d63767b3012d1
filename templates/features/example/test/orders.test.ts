import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products } from '../src/resources/products/table.js';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { createUser, login } from './support/auth.js';

describe('orders', () => {
  let app: TestApp;
  let alice: string;
  let bob: string;
  /** products are written by staff */
  let clerk: string;
  beforeAll(async () => {
    app = await startTestApp();
    await createUser(app, 'alice');
    await createUser(app, 'bob');
    await createUser(app, 'clerk', { staff: true });
    alice = (await login(app, 'alice')).access;
    bob = (await login(app, 'bob')).access;
    clerk = (await login(app, 'clerk')).access;
  });
  afterAll(() => app.close());

  const newProduct = async (stock: number): Promise<number> => {
    const response = await app.request('/api/v1/products', {
      method: 'POST',
      body: { name: 'Widget', price: '9.99', stock },
      token: clerk,
    });
    return ((await response.json()) as { id: number }).id;
  };
  const order = (token: string, body: unknown) => app.request('/api/v1/orders', { method: 'POST', body, token });
  const stockOf = async (id: number) => (await app.database.db.select().from(products).where(eq(products.id, id)))[0]!.stock;

  it('creates an order through the read schema, taking the stock', async () => {
    const productId = await newProduct(5);
    const response = await order(alice, { product_id: productId, quantity: 2, shipping_address: '1 Main St' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ product_id: productId, product_name: 'Widget', quantity: 2, shipping_address: '1 Main St' });
    expect(Object.keys(body).sort()).toEqual(['created_at', 'id', 'product_id', 'product_name', 'quantity', 'shipping_address']);
    expect(await stockOf(productId)).toBe(3);
  });

  it.each([
    [0, 'Quantity must be at least 1.'],
    [101, 'Maximum order quantity is 100.'],
  ])('quantity %i: %s', async (quantity, message) => {
    const response = await order(alice, { product_id: await newProduct(500), quantity, shipping_address: 'x' });
    expect(response.status).toBe(400);
    expect((await envelope(response)).errors).toEqual({ quantity: [message] });
  });

  it('more than in stock is a cross-field error on quantity', async () => {
    const response = await order(alice, { product_id: await newProduct(1), quantity: 2, shipping_address: 'x' });
    expect(response.status).toBe(400);
    expect((await envelope(response)).errors).toEqual({ quantity: ['Insufficient stock for this product.'] });
  });

  it('an unknown product is an Invalid pk error, an id past any id column too', async () => {
    for (const productId of [999999, 2147483648, Number.MAX_SAFE_INTEGER]) {
      const response = await order(alice, { product_id: productId, quantity: 1, shipping_address: 'x' });
      expect(response.status).toBe(400);
      expect((await envelope(response)).errors).toEqual({ product_id: [`Invalid pk "${productId}" - object does not exist.`] });
    }
  });

  it("deleting an order gives its stock back up to the column's maximum, never past it", async () => {
    const productId = await newProduct(10);
    const { id } = (await (await order(alice, { product_id: productId, quantity: 5, shipping_address: 'x' })).json()) as { id: number };
    const patched = await app.request(`/api/v1/products/${productId}`, { method: 'PATCH', body: { stock: 2147483647 }, token: clerk });
    expect(patched.status).toBe(200);
    expect((await app.request(`/api/v1/orders/${id}`, { method: 'DELETE', token: alice })).status).toBe(204);
    expect(await stockOf(productId)).toBe(2147483647);
  });

  it("a user sees only their own orders; another user's is a 404", async () => {
    const productId = await newProduct(10);
    const { id } = (await (await order(alice, { product_id: productId, quantity: 1, shipping_address: 'x' })).json()) as { id: number };
    expect((await app.request(`/api/v1/orders/${id}`, { token: alice })).status).toBe(200);
    expect((await app.request(`/api/v1/orders/${id}`, { token: bob })).status).toBe(404);
    expect((await app.request(`/api/v1/orders/${id}`, { method: 'DELETE', token: bob })).status).toBe(404);
    const bobsList = (await (await app.request('/api/v1/orders', { token: bob })).json()) as { results: unknown[] };
    expect(bobsList.results).toHaveLength(0);
    expect((await app.request('/api/v1/orders')).status).toBe(401);
  });

  it('changing the quantity moves stock; deleting returns it', async () => {
    const productId = await newProduct(10);
    const { id } = (await (await order(alice, { product_id: productId, quantity: 4, shipping_address: 'x' })).json()) as { id: number };
    expect(await stockOf(productId)).toBe(6);
    const patched = await app.request(`/api/v1/orders/${id}`, { method: 'PATCH', body: { quantity: 7 }, token: alice });
    expect(patched.status).toBe(200);
    expect(await stockOf(productId)).toBe(3);
    const tooMany = await app.request(`/api/v1/orders/${id}`, { method: 'PATCH', body: { quantity: 11 }, token: alice });
    expect((await envelope(tooMany)).errors).toEqual({ quantity: ['Insufficient stock for this product.'] });
    expect(await stockOf(productId)).toBe(3);
    expect((await app.request(`/api/v1/orders/${id}`, { method: 'DELETE', token: alice })).status).toBe(204);
    expect(await stockOf(productId)).toBe(10);
  });

  it('a product with orders cannot be deleted: 409 in the envelope, not a 500', async () => {
    const productId = await newProduct(3);
    await order(alice, { product_id: productId, quantity: 1, shipping_address: 'x' });
    const response = await app.request(`/api/v1/products/${productId}`, { method: 'DELETE', token: clerk });
    await expectError(response, 409, { detail: 'Other records refer to this one; remove or change them first.' });
  });

  it('v2 serves orders and /me exactly as v1 does: it inherits what it does not redefine', async () => {
    const productId = await newProduct(5);
    const created = await app.request('/api/v2/orders', {
      method: 'POST',
      body: { product_id: productId, quantity: 1, shipping_address: 'x' },
      token: alice,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    for (const path of [`/orders/${id}`, '/me']) {
      const [v1, v2] = [await app.request(`/api/v1${path}`, { token: alice }), await app.request(`/api/v2${path}`, { token: alice })];
      expect(v2.status).toBe(200);
      expect(await v2.json()).toEqual(await v1.json());
    }
    const v2Page = (await (await app.request('/api/v2/orders?page_size=1', { token: alice })).json()) as { next: string };
    expect(v2Page.next).toContain('/api/v2/orders?');
  });

  it('25 concurrent orders against stock 10: exactly 10 succeed and stock ends at 0', async () => {
    const productId = await newProduct(10);
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => order(alice, { product_id: productId, quantity: 1, shipping_address: 'x' })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 400)).toHaveLength(15);
    expect(await stockOf(productId)).toBe(0);
  });
});
