import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toErrorResponse } from '../src/core/errors.js';
import { translateDatabaseError } from '../src/db/errors.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createProbeTable, probeItems, probeRegistry } from './support/probe.js';

// The schemas refuse what a column cannot hold before any query; behind them, MySQL's own refusal of such a
// value (an owner's route without the bound, a value computed in SQL) is still the client's 400, never a 500.
describe('values MySQL cannot hold', () => {
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
    [
      'an integer past its int column',
      () => app.database.db.insert(probeItems).values({ id: 2147483648, name: 'big', createdAt: new Date() }),
    ],
    ['a sum past BIGINT', () => app.database.db.execute(sql`select cast(${'9223372036854775807'} as signed) + 1`)],
    ['text past its varchar length', () => app.database.db.insert(probeItems).values({ name: 'x'.repeat(101), createdAt: new Date() })],
  ])('%s is a 400', async (_what, query) => {
    const response = await answer(query());
    expect(response.status).toBe(400);
    expect(response.body).toEqual(OUT_OF_RANGE);
  });

  it('an error of ours stays a 500', async () => {
    expect((await answer(app.database.db.execute(sql`select * from no_such_table`))).status).toBe(500);
  });
});
