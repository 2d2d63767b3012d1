import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './support/app.js';
import { createUser, login } from './support/auth.js';

// Conditional requests (contract §10): a strong ETag on every answer carrying one object, 304 for If-None-Match,
// 412 for an If-Match that is not current (the compare and the write one statement), 428 with REQUIRE_IF_MATCH.
describe('conditional requests: ETag, If-None-Match, If-Match', () => {
  let app: TestApp;
  let staff: string;
  let user: string;
  let other: string;
  beforeAll(async () => {
    app = await startTestApp();
    await createUser(app, 'alice', { staff: true });
    await createUser(app, 'bob');
    await createUser(app, 'carol');
    staff = (await login(app, 'alice')).access;
    user = (await login(app, 'bob')).access;
    other = (await login(app, 'carol')).access;
  });
  afterAll(() => app.close());

  const product = async (name = 'Lamp') => {
    const response = await app.request('/api/v1/products', { method: 'POST', body: { name, price: '12.50', stock: 50 }, token: staff });
    expect(response.status).toBe(201);
    return { id: ((await response.json()) as { id: number }).id, etag: response.headers.get('etag')! };
  };
  const patch = (id: number, body: unknown, headers: Record<string, string> = {}, path = `/api/v1/products/${id}`, token = staff) =>
    app.request(path, { method: 'PATCH', body, token, headers });

  it('every answer carrying one object has a strong ETag, the same until the object is written', async () => {
    const { id, etag } = await product();
    expect(etag).toMatch(/^"[^"]+"$/);
    const read = await app.request(`/api/v1/products/${id}`);
    expect(read.headers.get('etag')).toBe(etag);
    expect((await app.request(`/api/v1/products/${id}`)).headers.get('etag')).toBe(etag);
    // each write moves it on, two writes in the same millisecond included
    const [first, second] = [await patch(id, { stock: 1 }), await patch(id, { stock: 1 })];
    expect(first.status).toBe(200);
    const tags = [etag, first.headers.get('etag'), second.headers.get('etag')];
    expect(new Set(tags).size).toBe(3);
    expect((await app.request(`/api/v1/products/${id}`)).headers.get('etag')).toBe(tags[2]);
    // another version's representation of the row has another tag
    expect((await app.request(`/api/v2/products/${id}`)).headers.get('etag')).not.toBe(tags[2]);
    // lists carry none
    expect((await app.request('/api/v1/products')).headers.get('etag')).toBeNull();
  });

  it('If-None-Match with the current tag (weak or strong, or among others) is a 304 with the tag and no body', async () => {
    const { id, etag } = await product();
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const response = await app.request(`/api/v1/products/${id}`, { headers: { 'If-None-Match': header } });
      expect(response.status, header).toBe(304);
      expect(response.headers.get('etag')).toBe(etag);
      expect(await response.text()).toBe('');
    }
    const stale = await app.request(`/api/v1/products/${id}`, { headers: { 'If-None-Match': '"1-aaaaaaaaaaaaaaaa"' } });
    expect(stale.status).toBe(200);
  });

  it("If-Match: the current tag or * changes it; a stale one, or another object's, is a 412 and changes nothing", async () => {
    const { id, etag } = await product();
    const changed = await patch(id, { stock: 7 }, { 'If-Match': etag });
    expect(changed.status).toBe(200);
    for (const header of [etag, `W/${changed.headers.get('etag')}`, (await product('Other')).etag, 'garbage']) {
      const refused = await patch(id, { stock: 9 }, { 'If-Match': header });
      expect(refused.status, header).toBe(412);
      await expectError(refused, 412, { detail: 'Precondition failed.' });
    }
    expect(((await (await app.request(`/api/v1/products/${id}`)).json()) as { stock: number }).stock).toBe(7);
    expect((await patch(id, { stock: 8 }, { 'If-Match': '*' })).status).toBe(200);
    // a v1 tag does not stand for v2's representation
    const current = (await app.request(`/api/v1/products/${id}`)).headers.get('etag')!;
    expect((await patch(id, { stock: 1 }, { 'If-Match': current }, `/api/v2/products/${id}`)).status).toBe(412);
    const gone = await app.request(`/api/v1/products/${id}`, { method: 'DELETE', token: staff, headers: { 'If-Match': etag } });
    expect(gone.status).toBe(412);
    const deleted = await app.request(`/api/v1/products/${id}`, { method: 'DELETE', token: staff, headers: { 'If-Match': current } });
    expect(deleted.status).toBe(204);
    // no object: a 404, as without the header
    expect((await patch(id, { stock: 1 }, { 'If-Match': current })).status).toBe(404);
  });

  it('N concurrent changes with one If-Match: exactly one is made, the others are 412s', async () => {
    const { id, etag } = await product();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => patch(id, { stock: i + 1 }, { 'If-Match': etag })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412, 412, 412, 412]);
    const winner = answers.find((answer) => answer.status === 200)!;
    expect((await app.request(`/api/v1/products/${id}`)).headers.get('etag')).toBe(winner.headers.get('etag'));
  });

  it("orders: another user's order is a 404 whatever the If-Match; the owner's follows it; a taken stock moves the product's tag", async () => {
    const { id: productId } = await product('Desk');
    const before = (await app.request(`/api/v1/products/${productId}`)).headers.get('etag');
    const created = await app.request('/api/v1/orders', {
      method: 'POST',
      body: { product_id: productId, quantity: 2, shipping_address: 'Street 1' },
      token: user,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const etag = created.headers.get('etag')!;
    expect((await app.request(`/api/v1/products/${productId}`)).headers.get('etag')).not.toBe(before);
    expect((await patch(id, { quantity: 3 }, { 'If-Match': etag }, `/api/v1/orders/${id}`, other)).status).toBe(404);
    expect((await patch(id, { quantity: 3 }, { 'If-Match': '"1-aaaaaaaaaaaaaaaa"' }, `/api/v1/orders/${id}`, user)).status).toBe(412);
    const changed = await patch(id, { quantity: 3 }, { 'If-Match': etag }, `/api/v1/orders/${id}`, user);
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await patch(id, { quantity: 4 }, { 'If-Match': etag }, `/api/v1/orders/${id}`, user)).status).toBe(412);
  });

  it('with REQUIRE_IF_MATCH=true a change without If-Match is a 428; reads and creates are as before', async () => {
    const strict = await startTestApp({ env: { REQUIRE_IF_MATCH: 'true' } });
    try {
      await createUser(strict, 'alice', { staff: true });
      const token = (await login(strict, 'alice')).access;
      const created = await strict.request('/api/v1/products', { method: 'POST', body: { name: 'Lamp', price: '1', stock: 1 }, token });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: number };
      for (const method of ['PATCH', 'DELETE']) {
        const refused = await strict.request(`/api/v1/products/${id}`, {
          method,
          body: method === 'PATCH' ? { stock: 2 } : undefined,
          token,
        });
        expect(refused.status, method).toBe(428);
        await expectError(refused, 428, { detail: 'Precondition required.' });
      }
      const allowed = await strict.request(`/api/v1/products/${id}`, {
        method: 'PATCH',
        body: { stock: 2 },
        token,
        headers: { 'If-Match': created.headers.get('etag')! },
      });
      expect(allowed.status).toBe(200);
      expect((await strict.request(`/api/v1/products/${id}`)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('the OpenAPI document declares ETag, If-None-Match, If-Match and the 304, 412 and 428 answers', async () => {
    const document = (await (await app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> }>
      >;
    };
    const item = document.paths['/api/v1/products/{id}']!;
    expect(item.get!.parameters.map((parameter) => parameter.name)).toContain('If-None-Match');
    expect(Object.keys(item.get!.responses)).toEqual(expect.arrayContaining(['200', '304']));
    expect(item.get!.responses['200']!.headers).toHaveProperty('ETag');
    expect(item.get!.responses['304']!.headers).toHaveProperty('ETag');
    for (const method of ['patch', 'delete']) {
      expect(item[method]!.parameters.map((parameter) => parameter.name)).toContain('If-Match');
      expect(Object.keys(item[method]!.responses)).toEqual(expect.arrayContaining(['412', '428']));
    }
    expect(item.patch!.responses['200']!.headers).toHaveProperty('ETag');
    expect(document.paths['/api/v1/products']!.post!.responses['201']!.headers).toHaveProperty('ETag');
  });

  it('an order retried with its Idempotency-Key is made once: the stock is taken once, the answer replayed', async () => {
    const { id } = await product('Kettle');
    const order = () =>
      app.request('/api/v1/orders', {
        method: 'POST',
        body: { product_id: id, quantity: 3, shipping_address: '1 Main St' },
        token: user,
        headers: { 'Idempotency-Key': 'order-kettle' },
      });
    const first = await order();
    expect(first.status).toBe(201);
    const again = await order();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(((await (await app.request(`/api/v1/products/${id}`)).json()) as { stock: number }).stock).toBe(47);
    // the key is the caller's: another user's order with it is their own
    const others = await app.request('/api/v1/orders', {
      method: 'POST',
      body: { product_id: id, quantity: 3, shipping_address: '1 Main St' },
      token: other,
      headers: { 'Idempotency-Key': 'order-kettle' },
    });
    expect(others.status).toBe(201);
    expect(others.headers.get('idempotent-replayed')).toBeNull();
    expect(((await (await app.request(`/api/v1/products/${id}`)).json()) as { stock: number }).stock).toBe(44);
  });
});
