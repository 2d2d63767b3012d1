import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor, offsetPage, parseOffsetRequest } from '../src/core/pagination.js';
import { expectError, startTestApp, type TestApp } from './support/app.js';
import { createProbeTable, insertProbeItems, probeRegistry } from './support/probe.js';

interface Page {
  next: string | null;
  previous: string | null;
  results: { id: number; name: string }[];
}

describe('cursor pagination', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
    await createProbeTable(app.database);
    await insertProbeItems(
      app.database,
      Array.from({ length: 60 }, (_, i) => `item ${i}`),
    );
  });
  afterAll(() => app.close());

  const get = async (url: string): Promise<Page> => {
    const response = await fetch(url.startsWith('http') ? url : `${app.url}${url}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  };

  it('first page: 25 newest rows by default, absolute next, no previous', async () => {
    const page = await get('/api/v1/probe/items');
    expect(page.results).toHaveLength(25);
    expect(page.results[0]!.name).toBe('item 59');
    expect(page.previous).toBeNull();
    expect(page.next).toMatch(new RegExp(`^${app.url}/api/v1/probe/items\\?cursor=`));
  });

  it('a full traversal with inserts during it shows every existing row exactly once', async () => {
    const seen: string[] = [];
    let next: string | null = '/api/v1/probe/items?page_size=7';
    let round = 0;
    while (next) {
      const page: Page = await get(next);
      seen.push(...page.results.map((row) => row.name));
      await insertProbeItems(app.database, [`inserted during page ${round++}`]);
      next = page.next;
    }
    const original = seen.filter((name) => name.startsWith('item '));
    expect(original).toHaveLength(60);
    expect(new Set(original).size).toBe(60);
    expect(seen.some((name) => name.startsWith('inserted'))).toBe(false);
  });

  it('previous walks back to the same rows', async () => {
    const first = await get('/api/v1/probe/items?page_size=5');
    const second = await get(first.next!);
    const back = await get(second.previous!);
    expect(back.results.map((row) => row.id)).toEqual(first.results.map((row) => row.id));
    expect(back.next).not.toBeNull();
  });

  it('page_size is capped at 100, never unbounded', async () => {
    await insertProbeItems(
      app.database,
      Array.from({ length: 60 }, (_, i) => `more ${i}`),
    );
    const page = await get('/api/v1/probe/items?page_size=100000');
    expect(page.results).toHaveLength(100);
  });

  it.each([
    'garbage',
    encodeCursor({ createdAt: 1, id: 1 }, false).slice(0, -3) + '!!!',
    Buffer.from('{"t":"x","i":1,"r":0}').toString('base64url'),
    // well-formed, but no row can be there: a time no database holds, an id past any id column
    encodeCursor({ createdAt: Number.MAX_SAFE_INTEGER, id: 1 }, false),
    encodeCursor({ createdAt: -8.64e15, id: 1 }, false),
    encodeCursor({ createdAt: Date.now(), id: Number.MAX_SAFE_INTEGER }, false),
    encodeCursor({ createdAt: Date.now(), id: 2147483648 }, false),
  ])('a malformed or tampered cursor (%s) is a 400', async (cursor) => {
    const response = await app.request(`/api/v1/probe/items?cursor=${encodeURIComponent(cursor)}`);
    await expectError(response, 400, { detail: 'Invalid cursor' });
  });
});

describe('limit-offset pagination', () => {
  const url = new URL('http://api.test/api/v1/things?limit=10');

  it('links the neighbouring pages and counts', () => {
    const page = offsetPage(['a'], 35, parseOffsetRequest({ limit: '10', offset: '10' }), url);
    expect(page.count).toBe(35);
    expect(page.next).toBe('http://api.test/api/v1/things?limit=10&offset=20');
    expect(page.previous).toBe('http://api.test/api/v1/things?limit=10');
  });

  it('caps limit at 100 and ignores nonsense', () => {
    expect(parseOffsetRequest({ limit: '5000', offset: '-4' })).toEqual({ limit: 100, offset: 0 });
    expect(parseOffsetRequest({ limit: 'ten', offset: undefined })).toEqual({ limit: 25, offset: 0 });
  });

  it('the last page has no next', () => {
    expect(offsetPage([], 35, { limit: 10, offset: 30 }, url).next).toBeNull();
  });
});

describe('PUBLIC_URL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { PUBLIC_URL: 'https://api.example.com' } });
    await createProbeTable(app.database);
    await insertProbeItems(
      app.database,
      Array.from({ length: 3 }, (_, i) => `item ${i}`),
    );
  });
  afterAll(() => app.close());

  it('links use the public origin, not the Host a client sent', async () => {
    const response = await app.request('/api/v1/probe/items?page_size=1');
    const page = (await response.json()) as Page;
    expect(page.next).toMatch(/^https:\/\/api\.example\.com\/api\/v1\/probe\/items\?/);
  });
});
