import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { RedisThrottleStore } from '../src/core/throttle-redis.js';
import { MemoryThrottleStore, parseRate, Throttler } from '../src/core/throttle.js';
import { openRedis } from '../src/redis.js';
import { Throttled } from '../src/core/errors.js';
import { envelope, startTestApp, type TestApp } from './support/app.js';
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
    expect(await envelope(throttled)).toEqual({
      status: 'error',
      code: 429,
      errors: { detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.` },
    });
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

  it('opens a new window once the old one has passed', async () => {
    let now = 0;
    const throttler = new Throttler(new MemoryThrottleStore(() => now), { anon: '2/second' });
    await throttler.check('anon', 'a');
    await throttler.check('anon', 'a');
    await expect(throttler.check('anon', 'a')).rejects.toBeInstanceOf(Throttled);
    await throttler.check('anon', 'b'); // another client has its own count
    now = 1_000;
    await expect(throttler.check('anon', 'a')).resolves.toBeDefined();
  });

  it('a store that cannot count: open lets requests through uncounted, closed refuses with 503', async () => {
    const broken = { hit: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const throttler = new Throttler(broken, { anon: '1/minute', login: '1/minute' }, { fallback: 'open', modes: { login: 'closed' } });
    await expect(throttler.check('anon', 'a')).resolves.toEqual({ headers: {} });
    await expect(throttler.check('anon', 'a')).resolves.toEqual({ headers: {} });
    await expect(throttler.check('login', 'a')).rejects.toMatchObject({ status: 503 });
  });

  it('a route may declare its own rate', async () => {
    const throttler = new Throttler(new MemoryThrottleStore(), { anon: '100/second' });
    await throttler.check('reports', 'a', '1/minute');
    await expect(throttler.check('reports', 'a', '1/minute')).rejects.toBeInstanceOf(Throttled);
  });
});

// The store a scaled-out deployment uses; runs where REDIS_URL names a Redis (the generated CI starts one).
describe.runIf(process.env.REDIS_URL)('RedisThrottleStore', () => {
  it('counts atomically: 50 concurrent hits from two clients of one Redis are 50 counts', async () => {
    const [one, two] = [
      await openRedis(process.env.REDIS_URL!, { timeoutMs: 1000 }),
      await openRedis(process.env.REDIS_URL!, { timeoutMs: 1000 }),
    ];
    const prefix = `test:${randomUUID()}:`;
    const stores = [new RedisThrottleStore(one, prefix), new RedisThrottleStore(two, prefix)];
    const hits = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.hit('k', 60_000)));
    expect(hits.map((hit) => hit.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(hits.every((hit) => hit.resetMs > 0 && hit.resetMs <= 60_000)).toBe(true);
    one.disconnect();
    two.disconnect();
  });
});
