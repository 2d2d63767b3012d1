import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/app.js';
import { createProbeTable, probeRegistry } from './support/probe.js';

/**
 * Another session holding a lock the app's write needs, as a migration, a long
 * report or a stuck transaction would: the app keeps serving, and the write is
 * a 503 to retry once DATABASE_TIMEOUT_MS has passed (lock_wait_timeout, in
 * whole seconds: the timeout here is one), not a 500 and not a wait as long as
 * the lock.
 */
describe('a lock held elsewhere past DATABASE_TIMEOUT_MS', () => {
  const TIMEOUT_MS = 1000;
  let app: TestApp;
  let holder: mysql.Connection;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) } });
    await createProbeTable(app.database);
    holder = await mysql.createConnection({ uri: app.config.databaseUrl });
  });
  afterAll(async () => {
    await holder.end();
    await app.close();
  });

  it('the waiting write is a 503 with Retry-After within 1.5x the timeout; health answers meanwhile', async () => {
    await holder.query('LOCK TABLES probe_items WRITE');
    try {
      const started = performance.now();
      const pending = app.request('/api/v1/probe/items', { method: 'POST', body: { name: 'never' } });
      expect((await app.request('/health/live')).status).toBe(200);
      const refused = await pending;
      const ms = performance.now() - started;
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(await refused.json()).toEqual({ status: 'error', code: 503, errors: { detail: 'The database is busy; try again shortly.' } });
      expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
      expect(ms).toBeLessThan(TIMEOUT_MS * 1.5);
    } finally {
      await holder.query('UNLOCK TABLES');
    }
    // the lock gone, the same write goes through
    expect((await app.request('/api/v1/probe/items', { method: 'POST', body: { name: 'after' } })).status).toBe(204);
  });
});
