import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
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

  it('a write through another database handle inside transaction() fails at once, naming the fix, instead of waiting for itself', async () => {
    const elsewhere = openDatabase(app.config.databaseUrl, app.config.database);
    try {
      const started = performance.now();
      const attempt = transaction(app.database.db, async () => {
        await insertMany(elsewhere.db, probeItems, [{ name: 'self-wait', createdAt: new Date() }]);
      });
      await expect(attempt).rejects.toThrow(/write through the handle the callback receives/);
      expect(performance.now() - started).toBeLessThan(1000);
      // and nothing stays stuck behind it: the next write goes through
      await insertMany(app.database.db, probeItems, [{ name: 'after', createdAt: new Date() }]);
    } finally {
      await elsewhere.close();
    }
  });
});
