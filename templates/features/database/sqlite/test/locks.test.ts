import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMany, transaction } from '../src/db/ops.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createProbeTable, probeItems, probeRegistry } from './support/probe.js';

/**
 * Another connection holding SQLite's write lock, as another process would
 * (a migration, a backup, a script): the app must keep serving, and its own
 * write must wait without stopping the event loop.
 */
describe('a write lock held elsewhere never stops the process', () => {
  let app: TestApp;
  let other: Sqlite.Database;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { DATABASE_TIMEOUT_MS: '3000' } });
    await createProbeTable(app.database);
    other = new Sqlite(app.config.databaseUrl);
  });
  afterAll(async () => {
    other.close();
    await app.close();
  });

  it('health answers at once while the lock is held; the waiting write succeeds when it goes', async () => {
    other.exec('BEGIN IMMEDIATE');
    const write = app.request('/api/v1/probe/items', { method: 'POST', body: { name: 'waited' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // the fastest of three, so a loaded machine's one slow round trip is not mistaken for a blocked event loop
    const times: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now();
      expect((await app.request('/health/live')).status).toBe(200);
      times.push(performance.now() - started);
    }
    expect(Math.min(...times)).toBeLessThan(100);
    // reads go on beside the lock (WAL)
    expect((await app.request('/api/v1/probe/items')).status).toBe(200);
    setTimeout(() => other.exec('COMMIT'), 500);
    expect((await write).status).toBe(204);
    const names = (await (await app.request('/api/v1/probe/items')).json()) as { results: { name: string }[] };
    expect(names.results.map((row) => row.name)).toContain('waited');
  });

  it('a lock held past DATABASE_TIMEOUT_MS: the write is a 503 in the envelope, and the app still serves', async () => {
    const short = await startTestApp({ registry: probeRegistry(), env: { DATABASE_TIMEOUT_MS: '300' } });
    await createProbeTable(short.database);
    const holder = new Sqlite(short.config.databaseUrl);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      const refused = await short.request('/api/v1/probe/items', { method: 'POST', body: { name: 'never' } });
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ status: 'error', code: 503, errors: { detail: 'The database is busy; try again shortly.' } });
      expect((await short.request('/health/live')).status).toBe(200);
      // writes queued behind one another each get their answer by the timeout, not after the others' waits add up
      const queued = [1, 2, 3].map(async (n) => {
        const sent = performance.now();
        const response = await short.request('/api/v1/probe/items', { method: 'POST', body: { name: `queued ${n}` } });
        return { status: response.status, ms: performance.now() - sent };
      });
      for (const { status, ms } of await Promise.all(queued)) {
        expect(status).toBe(503);
        expect(ms).toBeLessThan(300 * 1.5);
      }
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      await short.close();
    }
  });

  it('a write through the plain handle inside transaction() fails at once, naming the fix, instead of waiting for itself', async () => {
    const started = performance.now();
    const attempt = transaction(app.database.db, async () => {
      await insertMany(app.database.db, probeItems, [{ name: 'self-wait', createdAt: new Date() }]);
    });
    await expect(attempt).rejects.toThrow(/write through the handle the callback receives/);
    expect(performance.now() - started).toBeLessThan(1000);
    // and nothing stays stuck behind it: the next write goes through
    await insertMany(app.database.db, probeItems, [{ name: 'after', createdAt: new Date() }]);
  });
});
