import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { RedisThrottleStore } from '../src/core/throttle-redis.js';
import { MemoryThrottleStore, parseRate, Throttler, type ThrottleStore } from '../src/core/throttle.js';
import { openRedis } from '../src/redis.js';
import { SetupError, Throttled } from '../src/core/errors.js';
import { createGate, type PipelineDeps } from '../src/core/pipeline.js';
import { expectError, startTestApp, type TestApp } from './support/app.js';
import { probeRegistry } from './support/probe.js';

describe('throttling over HTTP (anon scope: 3/minute)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { THROTTLE_ANON: '3/minute' } });
  });
  afterAll(() => app.close());

  it('sends RateLimit headers, then 429 with Retry-After and the envelope', async () => {
    const first = await app.request('/api/v1/probe/version');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);

    await app.request('/api/v1/probe/version');
    await app.request('/api/v1/probe/version');
    const throttled = await app.request('/api/v1/probe/version');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('ratelimit-remaining')).toBe('0');
    const wait = Number(throttled.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    await expectError(throttled, 429, { detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.` });
  });

  it('a forged X-Forwarded-For buys no fresh quota (TRUST_PROXY off)', async () => {
    const fresh = await startTestApp({ registry: probeRegistry(), env: { THROTTLE_ANON: '2/minute' } });
    const forged = (ip: string) => fresh.request('/api/v1/probe/version', { headers: { 'X-Forwarded-For': ip } });
    const statuses = [(await forged('203.0.113.1')).status, (await forged('203.0.113.2')).status, (await forged('203.0.113.3')).status];
    await fresh.close();
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('health checks are never throttled', async () => {
    expect((await app.request('/health/live')).status).toBe(200);
  });
});

describe('throttling behind one trusted proxy hop', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { THROTTLE_ANON: '2/minute', TRUST_PROXY: '1' } });
  });
  afterAll(() => app.close());

  it('counts per client address as the trusted proxy reports it', async () => {
    const as = (ip: string) => app.request('/api/v1/probe/version', { headers: { 'X-Forwarded-For': ip } });
    expect((await as('198.51.100.1')).status).toBe(200);
    expect((await as('198.51.100.1')).status).toBe(200);
    expect((await as('198.51.100.1')).status).toBe(429);
    // a client prepending a fake hop is still counted by the address the proxy saw
    expect((await as('10.9.9.9, 198.51.100.1')).status).toBe(429);
    expect((await as('198.51.100.2')).status).toBe(200);
  });
});

describe('Throttler', () => {
  it('parses rates', () => {
    expect(parseRate('100/hour')).toEqual({ limit: 100, windowMs: 3_600_000 });
    expect(parseRate('10/minute')).toEqual({ limit: 10, windowMs: 60_000 });
    expect(() => parseRate('10 per minute')).toThrow(/N\/second\|minute\|hour\|day/);
    expect(() => parseRate('0/minute')).toThrow();
  });

  it('a route may declare its own rate', async () => {
    const throttler = new Throttler(new MemoryThrottleStore(), { anon: '100/second' });
    await throttler.check('reports', 'a', '1/minute');
    await expect(throttler.check('reports', 'a', '1/minute')).rejects.toBeInstanceOf(Throttled);
  });

  it('a store that cannot count: open lets requests through uncounted, closed refuses with 503', async () => {
    const broken = { hit: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const throttler = new Throttler(broken, { anon: '1/minute', login: '1/minute' }, { fallback: 'open', modes: { login: 'closed' } });
    await expect(throttler.check('anon', 'a')).resolves.toMatchObject({ headers: {} });
    await expect(throttler.check('anon', 'a')).resolves.toMatchObject({ headers: {} });
    await expect(throttler.check('login', 'a')).rejects.toMatchObject({ status: 503 });
  });
});

/**
 * The same sliding-window rules for both stores, on a clock the test moves:
 * the memory store takes it as `now`, the Redis store passes it to its script
 * in place of Redis's own TIME.
 */
const stores: [string, (now: () => number) => Promise<{ store: ThrottleStore; close(): void }>][] = [
  ['memory', async (now) => ({ store: new MemoryThrottleStore(now), close: () => {} })],
  [
    'redis',
    async (now) => {
      if (!process.env.REDIS_URL) throw new Error('The Redis store tests need a Redis server: set REDIS_URL, e.g. redis://127.0.0.1:6379');
      const redis = await openRedis(process.env.REDIS_URL, { timeoutMs: 1000 });
      return { store: new RedisThrottleStore(redis, `test:${randomUUID()}:`, now), close: () => redis.disconnect() };
    },
  ],
];
// the Redis half needs a server: the generated CI starts one; locally, set REDIS_URL or run the memory half only
describe.each(stores.filter(([name]) => name === 'memory' || process.env.REDIS_URL))('sliding window (%s store)', (_name, open) => {
  let now = 0;
  let store: ThrottleStore;
  let close: () => void;
  beforeAll(async () => {
    ({ store, close } = await open(() => now));
  });
  afterAll(() => close());
  const tenPerMinute = { limit: 10, windowMs: 60_000 };

  it('no window edge doubles a limit: 10 at the end of one minute, none at the start of the next', async () => {
    now = 1_000_000 * 60_000 + 59_000; // one second before a minute boundary
    const key = `edge:${randomUUID()}`;
    for (let i = 1; i <= 10; i += 1) expect(await store.hit(key, tenPerMinute)).toMatchObject({ allowed: true, count: i });
    const refused = await store.hit(key, tenPerMinute);
    expect(refused.allowed).toBe(false);
    now += 2_000; // across the boundary: a fixed window would start again here
    expect((await store.hit(key, tenPerMinute)).allowed).toBe(false);
    now += 55_000; // 57 s after the burst: still inside one window of it
    expect((await store.hit(key, tenPerMinute)).allowed).toBe(false);
    now += 3_000; // a whole window after the burst: room again
    expect(await store.hit(key, tenPerMinute)).toMatchObject({ allowed: true, count: 1 });
  });

  it('at most the limit in any window-long span, and room again once the oldest requests leave', async () => {
    const key = `span:${randomUUID()}`;
    const start = 2_000_000 * 60_000;
    const accepted: number[] = [];
    // a request every 1.5 s for three minutes
    for (let t = 0; t < 180_000; t += 1_500) {
      now = start + t;
      if ((await store.hit(key, tenPerMinute)).allowed) accepted.push(t);
    }
    for (const t of accepted) expect(accepted.filter((other) => other >= t && other < t + 60_000).length).toBeLessThanOrEqual(10);
    // a slice (3 s) counts until its newest request is a minute old: about 10 a minute still get through
    expect(accepted.length).toBeGreaterThanOrEqual(27);
  });

  it('a refused request is not counted, and says when to come back', async () => {
    const key = `retry:${randomUUID()}`;
    now = 3_000_000 * 60_000;
    const twoPerSecond = { limit: 2, windowMs: 1_000 };
    await store.hit(key, twoPerSecond);
    await store.hit(key, twoPerSecond);
    const refused = await store.hit(key, twoPerSecond);
    expect(refused).toMatchObject({ allowed: false, count: 2 });
    expect(refused.retryMs).toBeGreaterThan(1_000 - 50);
    expect(refused.retryMs).toBeLessThanOrEqual(1_000 + 50);
    now += refused.retryMs;
    expect(await store.hit(key, twoPerSecond)).toMatchObject({ allowed: true, count: 1 });
  });
});

// The store a scaled-out deployment uses; runs where REDIS_URL names a Redis (the generated CI starts one).
describe.runIf(process.env.REDIS_URL)('RedisThrottleStore', () => {
  it('decides atomically: 50 concurrent hits from two clients of one Redis accept exactly the limit', async () => {
    const [one, two] = [
      await openRedis(process.env.REDIS_URL!, { timeoutMs: 1000 }),
      await openRedis(process.env.REDIS_URL!, { timeoutMs: 1000 }),
    ];
    const prefix = `test:${randomUUID()}:`;
    const stores = [new RedisThrottleStore(one, prefix), new RedisThrottleStore(two, prefix)];
    const hits = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.hit('k', { limit: 30, windowMs: 60_000 })));
    const accepted = hits.filter((hit) => hit.allowed);
    expect(accepted.map((hit) => hit.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(hits.every((hit) => hit.resetMs > 0 && hit.resetMs <= 63_000)).toBe(true);
    one.disconnect();
    two.disconnect();
  });
});

describe('throttle scopes are checked as routes are mounted', () => {
  const deps = {
    throttler: new Throttler(new MemoryThrottleStore(), { anon: '10/minute', user: '10/minute' }),
    authenticate: null,
    registry: probeRegistry(),
    validateResponses: true,
    translateError: (error: unknown) => error,
    hostAllowed: null,
  } satisfies PipelineDeps;

  it('a scope config lacks is a type error, and stops the mount with what to add instead of a 500 at the first request', () => {
    // @ts-expect-error: 'reports' is not a key of config.throttle and the rule has no rate (the check below is for a cast)
    expect(() => createGate({ access: 'public', throttle: { scope: 'reports' } }, deps)).toThrow(SetupError);
    // @ts-expect-error: the same, in a list of rules
    expect(() => createGate({ access: 'public', throttle: [{ scope: 'anon' }, { scope: 'reports' }] }, deps)).toThrow(
      'a route throttles by scope "reports", which has no rate: add it to config.throttle (src/config.ts, with its THROTTLE_REPORTS setting)',
    );
  });

  it('a rule whose own rate is malformed stops the mount too, instead of a 500 at each request', () => {
    expect(() => createGate({ access: 'public', throttle: { scope: 'reports', rate: '10 per minute' } }, deps)).toThrow(
      'a route throttles by scope "reports" at rate "10 per minute", which is not N/second|minute|hour|day (e.g. 100/hour).',
    );
    expect(() => createGate({ access: 'public', throttle: { scope: 'anon', rate: '' } }, deps)).toThrow(SetupError);
  });

  it('a configured scope, a rule with its own rate, or no throttle mount as they are', () => {
    expect(() => createGate({ access: 'public', throttle: { scope: 'user' } }, deps)).not.toThrow();
    expect(() => createGate({ access: 'public', throttle: { scope: 'reports', rate: '5/minute' } }, deps)).not.toThrow();
    expect(() => createGate({ access: 'public', throttle: false }, deps)).not.toThrow();
    expect(() => createGate({ access: 'public' }, { ...deps, throttler: null })).not.toThrow();
  });
});
