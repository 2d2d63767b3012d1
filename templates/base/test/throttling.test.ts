import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryThrottleStore, parseRate, Throttler } from '../src/core/throttle.js';
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

  it('a route may declare its own rate', async () => {
    const throttler = new Throttler(new MemoryThrottleStore(), { anon: '100/second' });
    await throttler.check('reports', 'a', '1/minute');
    await expect(throttler.check('reports', 'a', '1/minute')).rejects.toBeInstanceOf(Throttled);
  });
});
