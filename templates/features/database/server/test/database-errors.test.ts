import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody } from '../src/core/envelope.js';
import { toErrorResponse } from '../src/core/errors.js';
import { DATABASE_SYSTEM } from '../src/db/client.js';
import { translateDatabaseError } from '../src/db/errors.js';
import { startTestApp, type TestApp } from './support/app.js';
import { valueRefusals } from './support/database.js';
import { createProbeTable, probeItems, probeRegistry } from './support/probe.js';

// The schemas refuse what a column cannot hold before any query; behind them, the database's own refusal of such a
// value (an owner's route without the bound, a value computed in SQL) is still the client's 400, never a 500. Each
// database's refusals are its own (support/database.ts). SQLite holds any value in any column: nothing to refuse.
describe(`values ${DATABASE_SYSTEM} cannot hold`, () => {
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
  const OUT_OF_RANGE = errorBody(400, { non_field_errors: ['A value is out of the range its field can hold.'] });

  it('each is a 400', async () => {
    const refusals = valueRefusals(app.database, probeItems);
    expect(refusals.length).toBeGreaterThan(0);
    for (const [what, query] of refusals) {
      const response = await answer(query());
      expect({ what, status: response.status, body: response.body }).toEqual({ what, status: 400, body: OUT_OF_RANGE });
    }
  });

  it('an error of ours stays a 500', async () => {
    expect((await answer(app.database.db.execute(sql`select * from no_such_table`))).status).toBe(500);
  });
});
