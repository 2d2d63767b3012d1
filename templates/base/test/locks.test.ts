import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, startTestApp, type TestApp } from './support/app.js';
import { holdWriteLock, LOCK_TIMEOUT_MS } from './support/database.js';
import { createProbeTable, probeRegistry } from './support/probe.js';

/**
 * Another session holding the lock the app's writes need (a migration, a long
 * report, a stuck transaction): the app keeps serving, and each waiting write is
 * a 503 to retry once DATABASE_TIMEOUT_MS has passed since it arrived, never a
 * 500 and never a wait as long as the lock. The same on every database; how the
 * lock is held is the database's own (support/database.ts).
 */
describe('a lock held elsewhere past DATABASE_TIMEOUT_MS', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { DATABASE_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) } });
    await createProbeTable(app.database);
  });
  afterAll(() => app.close());

  const write = async (name: string) => {
    const sent = performance.now();
    const response = await app.request('/api/v1/probe/items', { method: 'POST', body: { name } });
    return { response, ms: performance.now() - sent };
  };

  it('each waiting write is a 503 with Retry-After within 1.5x the timeout; health answers meanwhile', async () => {
    const release = await holdWriteLock(app.config.databaseUrl);
    try {
      // three at once: each answered by the timeout counted from its own arrival, not after the others' waits
      const pending = Promise.all(['one', 'two', 'three'].map(write));
      expect((await app.request('/health/live')).status).toBe(200);
      for (const { response, ms } of await pending) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('1');
        await expectError(response, 503, { detail: 'The database is busy; try again shortly.' });
        expect(ms).toBeLessThan(LOCK_TIMEOUT_MS * 1.5);
      }
    } finally {
      await release();
    }
    // the lock gone, the same write goes through
    expect((await write('after')).response.status).toBe(204);
  });
});
