import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, startTestApp, type TestApp } from './support/app.js';
import { createUser, login } from './support/auth.js';

// Filtering, search and ordering of lists (contract §6), on the examples' declarations: products filter price and
// stock (exact, gt, gte, lt, lte) and name (exact, icontains, istartswith), search name, order by created_at, price,
// name and stock; orders filter product_id (exact, in) and order by created_at and quantity.
describe('lists: filters, search, ordering', () => {
  let app: TestApp;
  let staff: string;
  let user: string;
  let other: string;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    app = await startTestApp();
    await createUser(app, 'alice', { staff: true });
    await createUser(app, 'bob');
    await createUser(app, 'carol');
    staff = (await login(app, 'alice')).access;
    user = (await login(app, 'bob')).access;
    other = (await login(app, 'carol')).access;
    // prices that sort differently as text and as numbers; names with LIKE's own characters
    const rows = [
      { name: 'Desk Lamp', price: '9.00', stock: 5 },
      { name: 'Floor lamp', price: '100.00', stock: 0 },
      { name: 'Lampshade', price: '20.50', stock: 12 },
      { name: '100% cotton rug', price: '20.50', stock: 3 },
      { name: 'Rug_large', price: '45.00', stock: 7 },
      { name: 'Chair', price: '45.00', stock: 5 },
      { name: 'Émile stool', price: '45.00', stock: 1 },
    ];
    for (const row of rows)
      ids[row.name] = (await json(await app.request('/api/v1/products', { method: 'POST', body: row, token: staff }))).id as number;
  });
  afterAll(() => app.close());

  const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
  const names = async (query: string, version = 'v1') => {
    const response = await app.request(`/api/${version}/products?page_size=100&${query}`);
    expect(response.status).toBe(200);
    return ((await json(response)).results as { name: string }[]).map((row) => row.name);
  };
  const sorted = (list: string[]) => [...list].sort();

  it('filters with every declared lookup, values parsed as the field type', async () => {
    expect(await names('price=20.5')).toEqual(expect.arrayContaining(['Lampshade', '100% cotton rug']));
    expect(sorted(await names('price=20.5'))).toEqual(['100% cotton rug', 'Lampshade']);
    expect(sorted(await names('price__gt=20.5'))).toEqual(['Chair', 'Floor lamp', 'Rug_large', 'Émile stool']);
    expect(sorted(await names('price__gte=20.5&price__lt=100'))).toEqual([
      '100% cotton rug',
      'Chair',
      'Lampshade',
      'Rug_large',
      'Émile stool',
    ]);
    expect(sorted(await names('price__lte=9'))).toEqual(['Desk Lamp']);
    expect(sorted(await names('stock=5'))).toEqual(['Chair', 'Desk Lamp']);
    expect(sorted(await names('stock__gt=5&stock__lte=12'))).toEqual(['Lampshade', 'Rug_large']);
    expect(sorted(await names('stock__lt=1'))).toEqual(['Floor lamp']);
    expect(sorted(await names('stock__gte=12'))).toEqual(['Lampshade']);
    expect(await names('name=Chair')).toEqual(['Chair']);
    expect(await names('name=chair')).toEqual([]);
    expect(sorted(await names('name__icontains=LAMP'))).toEqual(['Desk Lamp', 'Floor lamp', 'Lampshade']);
    expect(sorted(await names('name__istartswith=lamp'))).toEqual(['Lampshade']);
  });

  it('icontains and istartswith match % and _ literally', async () => {
    expect(await names('name__icontains=%25')).toEqual(['100% cotton rug']);
    expect(await names('name__icontains=_')).toEqual(['Rug_large']);
    expect(await names('name__istartswith=100%25')).toEqual(['100% cotton rug']);
    expect(await names('name__icontains=!')).toEqual([]);
    // beyond ASCII, as written (SQLite folds the case of ASCII letters only)
    expect(await names('name__icontains=%C3%89mile')).toEqual(['Émile stool']);
    expect(await names('search=%C3%89MILE')).toEqual(await names('search=%C3%89mile'));
  });

  it('a value that does not parse is a 400 under the parameter, every one at once', async () => {
    const response = await app.request('/api/v1/products?price__gte=cheap&stock=1.5&stock__lt=99999999999&name__icontains=ok');
    expect(response.status).toBe(400);
    expect((await envelope(response)).errors).toEqual({
      price__gte: ['Enter a number.'],
      stock: ['Enter a whole number.'],
      stock__lt: ['Ensure this value is less than or equal to 2147483647.'],
    });
    const nul = await app.request('/api/v1/products?name=a%00b');
    expect((await envelope(nul)).errors).toEqual({ name: ['Null characters are not allowed.'] });
  });

  it('an empty value is no filter; undeclared parameters and lookups are ignored', async () => {
    const all = await names('');
    expect(all).toHaveLength(7);
    expect(await names('price=&stock__gt=')).toEqual(all);
    expect(await names('colour=red&name__gt=a&stock__in=1,2&id=1')).toEqual(all);
  });

  it('search: every term (split on spaces and commas) in a search field, ignoring case', async () => {
    expect(sorted(await names('search=lamp'))).toEqual(['Desk Lamp', 'Floor lamp', 'Lampshade']);
    expect(await names('search=LAMP%20desk')).toEqual(['Desk Lamp']);
    expect(await names('search=lamp,floor')).toEqual(['Floor lamp']);
    expect(await names('search=lamp%20rug')).toEqual([]);
    expect(await names('search=%20,')).toHaveLength(7);
    const many = await app.request(`/api/v1/products?search=${'a '.repeat(11)}`);
    expect(many.status).toBe(400);
    expect((await envelope(many)).errors).toEqual({ search: ['Ensure there are at most 10 search terms.'] });
  });

  it("ordering by declared fields, numbers as numbers, ties broken by the id in the last field's direction", async () => {
    expect(await names('ordering=price')).toEqual([
      'Desk Lamp',
      'Lampshade',
      '100% cotton rug',
      'Rug_large',
      'Chair',
      'Émile stool',
      'Floor lamp',
    ]);
    expect(await names('ordering=-price')).toEqual([
      'Floor lamp',
      'Émile stool',
      'Chair',
      'Rug_large',
      '100% cotton rug',
      'Lampshade',
      'Desk Lamp',
    ]);
    expect(await names('ordering=-stock,name')).toEqual([
      'Lampshade',
      'Rug_large',
      'Chair',
      'Desk Lamp',
      '100% cotton rug',
      'Émile stool',
      'Floor lamp',
    ]);
    // a list given as repeated parameters (clients that explode arrays) reads as the comma-separated one
    expect(await names('ordering=-stock&ordering=name')).toEqual(await names('ordering=-stock,name'));
    expect(await names('ordering=created_at')).toEqual([
      'Desk Lamp',
      'Floor lamp',
      'Lampshade',
      '100% cotton rug',
      'Rug_large',
      'Chair',
      'Émile stool',
    ]);
    // without the parameter: newest first
    expect(await names('')).toEqual(['Émile stool', 'Chair', 'Rug_large', '100% cotton rug', 'Lampshade', 'Floor lamp', 'Desk Lamp']);
    expect(await names('ordering=price', 'v2')).toEqual(await names('ordering=price'));
  });

  it('an undeclared ordering field is a 400 naming it', async () => {
    for (const [ordering, name] of [
      ['colour', 'colour'],
      ['-updated_at', 'updated_at'],
      ['price,id', 'id'],
    ]) {
      const response = await app.request(`/api/v1/products?ordering=${ordering}`);
      expect(response.status).toBe(400);
      expect((await envelope(response)).errors).toEqual({ ordering: [`Invalid ordering field "${name}".`] });
    }
  });

  /** Every page of a list, walking `next` from the first page; `between` runs after each page. */
  async function walk(first: string, between: () => Promise<void> = async () => {}) {
    const seen: number[] = [];
    let url: string | null = first;
    let last: { previous: string | null; results: { id: number }[] } | undefined;
    while (url) {
      const response = await app.request(url.replace(app.url, ''));
      expect(response.status).toBe(200);
      const page = (await json(response)) as { next: string | null; previous: string | null; results: { id: number }[] };
      seen.push(...page.results.map((row) => row.id));
      last = page;
      url = page.next;
      await between();
    }
    return { seen, last: last! };
  }

  it('cursor pages under every ordering and filter: inserts during the walk never repeat or skip a row; previous walks back', async () => {
    let inserted = 0;
    for (const query of [
      'ordering=price',
      'ordering=-price',
      'ordering=name',
      'ordering=-stock,price',
      'ordering=created_at',
      '',
      'price__gte=20&ordering=-price',
      'search=lamp&ordering=stock',
    ]) {
      const all = async () => (await walk(`/api/v1/products?page_size=100&${query}`)).seen;
      const before = await all();
      // three new rows, one after each of the first pages: some sort before the walk's position, some after
      let pages = 0;
      const insert = async () => {
        if ((pages += 1) > 3) return;
        inserted += 1;
        const price = ['1.00', '20.50', '999.00'][inserted % 3];
        await app.request('/api/v1/products', {
          method: 'POST',
          body: { name: `New lamp ${inserted}`, price, stock: inserted % 13 },
          token: staff,
        });
      };
      const { seen, last } = await walk(`/api/v1/products?page_size=2&${query}`, insert);
      expect(new Set(seen).size).toBe(seen.length);
      // the rows there at the start are all seen, in the list's order; the new ones only where they sort
      expect(seen.filter((id) => before.includes(id))).toEqual(before);
      // and back: previous from the last page gives the pages before it, in the same order
      const back: number[] = [];
      let url = last.previous;
      while (url) {
        const page = (await json(await app.request(url.replace(app.url, '')))) as { previous: string | null; results: { id: number }[] };
        back.unshift(...page.results.map((row) => row.id));
        url = page.previous;
      }
      expect([...back, ...last.results.map((row) => row.id)]).toEqual(await all());
    }
  });

  it('next and previous keep the filter, search, ordering and page size', async () => {
    const page = await json(await app.request('/api/v1/products?page_size=1&price__gte=1&search=lamp&ordering=-price'));
    const next = new URL(page.next as string);
    expect(Object.fromEntries(next.searchParams)).toMatchObject({ page_size: '1', price__gte: '1', search: 'lamp', ordering: '-price' });
    const second = await json(await app.request(`${next.pathname}${next.search}`));
    expect(new URL(second.previous as string).searchParams.get('ordering')).toBe('-price');
  });

  it('a cursor is bound to its query: another ordering, filter or search is a 400', async () => {
    const page = await json(await app.request('/api/v1/products?page_size=1&ordering=price&price__gte=1'));
    const cursor = new URL(page.next as string).searchParams.get('cursor')!;
    expect((await app.request(`/api/v1/products?ordering=price&price__gte=1&cursor=${cursor}&page_size=3`)).status).toBe(200);
    // a cursor's values are checked as a filter's are, its binding copied or not: a NUL, a number where a name was
    const byName = await json(await app.request('/api/v1/products?page_size=1&ordering=name'));
    const real = JSON.parse(Buffer.from(new URL(byName.next as string).searchParams.get('cursor')!, 'base64url').toString()) as {
      v: unknown[];
    };
    for (const value of ['a\u0000b', 42, { a: 1 }]) {
      const forged = Buffer.from(JSON.stringify({ ...real, v: [value] })).toString('base64url');
      expect((await app.request(`/api/v1/products?ordering=name&cursor=${forged}`)).status).toBe(400);
    }
    for (const query of [
      'ordering=-price&price__gte=1',
      'ordering=price&price__gte=2',
      'ordering=price',
      'ordering=price&price__gte=1&search=lamp',
    ]) {
      const response = await app.request(`/api/v1/products?${query}&cursor=${cursor}`);
      expect(response.status).toBe(400);
      expect((await envelope(response)).errors).toEqual({ detail: 'Invalid cursor' });
    }
  });

  it('orders: filter by product (exact, in), order by quantity; a user sees only their own', async () => {
    const order = (token: string, product: string, quantity: number) =>
      app.request('/api/v1/orders', { method: 'POST', body: { product_id: ids[product], quantity, shipping_address: 'Street 1' }, token });
    await order(user, 'Desk Lamp', 3);
    await order(user, 'Chair', 1);
    await order(user, 'Lampshade', 2);
    await order(other, 'Chair', 4);
    const list = async (query: string, token = user) => {
      const response = await app.request(`/api/v1/orders?${query}`, { token });
      expect(response.status).toBe(200);
      return ((await json(response)).results as { product_name: string; quantity: number }[]).map(
        (row) => `${row.product_name}:${row.quantity}`,
      );
    };
    expect(await list(`product_id=${ids.Chair}`)).toEqual(['Chair:1']);
    // an `in` naming no value is no filter, as an empty value is none
    expect(await list('product_id__in=,')).toEqual(await list(''));
    expect(await list(`product_id=${ids.Chair}`, other)).toEqual(['Chair:4']);
    expect(await list(`product_id__in=${ids.Chair},${ids['Desk Lamp']}&ordering=-quantity`)).toEqual(['Desk Lamp:3', 'Chair:1']);
    expect(await list('ordering=quantity')).toEqual(['Chair:1', 'Lampshade:2', 'Desk Lamp:3']);
    expect(await list('')).toEqual(['Lampshade:2', 'Chair:1', 'Desk Lamp:3']);
    const bad = await app.request('/api/v1/orders?product_id__in=1,two', { token: user });
    expect((await envelope(bad)).errors).toEqual({ product_id__in: ['Enter a whole number.'] });
    const unordered = await app.request('/api/v1/orders?ordering=product_id', { token: user });
    expect((await envelope(unordered)).errors).toEqual({ ordering: ['Invalid ordering field "product_id".'] });
  });

  it('the OpenAPI document lists every filter, search and ordering parameter with its schema', async () => {
    const document = (await json(await app.request('/api/v1/openapi.json'))) as {
      paths: Record<string, { get: { parameters: { name: string; schema: Record<string, unknown>; explode?: boolean }[] } }>;
    };
    const parameters = Object.fromEntries(
      document.paths['/api/v1/products']!.get.parameters.map((parameter) => [parameter.name, parameter]),
    );
    expect(Object.keys(parameters).sort()).toEqual(
      [
        'cursor',
        'page_size',
        'name',
        'name__icontains',
        'name__istartswith',
        'price',
        'price__gt',
        'price__gte',
        'price__lt',
        'price__lte',
        'stock',
        'stock__gt',
        'stock__gte',
        'stock__lt',
        'stock__lte',
        'search',
        'ordering',
      ].sort(),
    );
    expect(parameters.price__gte!.schema).toMatchObject({ type: 'number' });
    expect(parameters.stock!.schema).toMatchObject({ type: 'integer', maximum: 2147483647 });
    expect(parameters.ordering).toMatchObject({ style: 'form', explode: false });
    expect(parameters.ordering!.schema).toMatchObject({
      type: 'array',
      items: { enum: ['name', '-name', 'price', '-price', 'stock', '-stock', 'created_at', '-created_at'] },
    });
    const orders = (await json(await app.request('/api/v1/openapi.json'))) as typeof document;
    const orderParameters = orders.paths['/api/v1/orders']!.get.parameters.map((parameter) => parameter.name);
    expect(orderParameters).toEqual(expect.arrayContaining(['product_id', 'product_id__in', 'ordering']));
    expect(orderParameters).not.toContain('search');
  });
});
