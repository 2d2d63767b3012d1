import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toErrorResponse } from '../src/core/errors.js';
import { transaction } from '../src/db/ops.js';
import { translateDatabaseError } from '../src/db/errors.js';
import { startTestApp, type TestApp } from './support/app.js';
import { LOCK_TIMEOUT_MS } from './support/database.js';
import { createProbeTable, probeItems, probeRegistry } from './support/probe.js';

// The schemas refuse what a column cannot hold before any query; behind them, PostgreSQL's own refusal of such a
// value (an owner's route without the bound, a value computed in SQL) is still the client's 400, never a 500.
describe('values PostgreSQL cannot hold', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
    await createProbeTable(app.database);
  });
  afterAll(() => app.close());

  const answer = async (query: PromiseLike<unknown>) => {
    const error = await Promise.resolve(query).then(
      () => new Error('the database took the value'),
      (refused: unknown) => refused,
    );
    return toErrorResponse(translateDatabaseError(error));
  };
  const OUT_OF_RANGE = { status: 'error', code: 400, errors: { non_field_errors: ['A value is out of the range its field can hold.'] } };

  it.each([
    ['an integer past int4', () => app.database.db.execute(sql`select ${2147483647}::int4 + 1`)],
    ['text past its varchar length', () => app.database.db.insert(probeItems).values({ name: 'x'.repeat(101), createdAt: new Date() })],
    ['a NUL character', () => app.database.db.insert(probeItems).values({ name: 'a\u0000b', createdAt: new Date() })],
  ])('%s is a 400', async (_what, query) => {
    const response = await answer(query());
    expect(response.status).toBe(400);
    expect(response.body).toEqual(OUT_OF_RANGE);
  });

  it('an error of ours stays a 500', async () => {
    expect((await answer(app.database.db.execute(sql`select * from no_such_table`))).status).toBe(500);
  });
});

// Every wait is bounded by DATABASE_TIMEOUT_MS, the wait for a free pooled connection too: with the pool's only
// connection held by a long transaction, the next request is a 503 to retry, not a hang.
describe('a request waiting for a pooled connection (PostgreSQL)', () => {
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
