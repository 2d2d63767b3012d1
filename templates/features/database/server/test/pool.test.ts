import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '../src/db/ops.js';
import { startTestApp, type TestApp } from './support/app.js';
import { LOCK_TIMEOUT_MS } from './support/database.js';
import { createProbeTable, probeItems, probeRegistry } from './support/probe.js';

// Every wait is bounded by DATABASE_TIMEOUT_MS, the wait for a free pooled connection too: with the pool's only
// connection held by a long transaction, the next request is a 503 to retry, not a hang. (PostgreSQL's pool bounds
// the wait itself; mysql2's does not, db/client.ts does.) SQLite has no pool: its writes queue, bounded in locks.test.ts.
describe('a request waiting for a pooled connection', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      registry: probeRegistry(),
      env: { DATABASE_POOL_SIZE: '1', DATABASE_TIMEOUT_MS: String(LOCK_TIMEOUT_MS) },
    });
    await createProbeTable(app.database);
  });
  afterAll(() => app.close());

  it('is a 503 with Retry-After within 1.5x DATABASE_TIMEOUT_MS; served again once the connection is free', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = transaction(app.database.db, async (tx) => {
      await tx.select().from(probeItems);
      await held;
    });
    try {
      const sent = performance.now();
      const response = await app.request('/api/v1/probe/items');
      const ms = performance.now() - sent;
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(ms).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS * 0.9);
      expect(ms).toBeLessThan(LOCK_TIMEOUT_MS * 1.5);
    } finally {
      release();
      await holding;
    }
    expect((await app.request('/api/v1/probe/items')).status).toBe(200);
  });
});
