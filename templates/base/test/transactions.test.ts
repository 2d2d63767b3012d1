import { count } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMany, transaction } from '../src/db/ops.js';
import { startTestApp, type TestApp } from './support/app.js';
import { createProbeTable, probeItems, probeRegistry } from './support/probe.js';

describe('transactions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
    await createProbeTable(app.database);
  });
  afterAll(() => app.close());

  const rows = async () => (await app.database.db.select({ n: count() }).from(probeItems))[0]!.n;

  it('others never see uncommitted rows, and a failure rolls everything back', async () => {
    let seenDuring = -1;
    const failing = transaction(app.database.db, async (tx) => {
      await insertMany(tx, probeItems, [{ name: 'uncommitted', createdAt: new Date() }]);
      // real waiting inside the transaction: another request reads meanwhile
      await sleep(50);
      throw new Error('changed my mind');
    });
    // handled at once: on a slow database it may reject before the read below is back
    const outcome = failing.then(
      () => undefined,
      (error: unknown) => error,
    );
    await sleep(10);
    seenDuring = await rows();
    expect(await outcome).toMatchObject({ message: 'changed my mind' });
    expect(seenDuring).toBe(0);
    expect(await rows()).toBe(0);
  });

  it('a write outside waits for the open transaction instead of joining it', async () => {
    const committed = transaction(app.database.db, async (tx) => {
      await insertMany(tx, probeItems, [{ name: 'in transaction', createdAt: new Date() }]);
      await sleep(30);
      throw new Error('rolled back');
    });
    const outside = insertMany(app.database.db, probeItems, [{ name: 'outside', createdAt: new Date() }]);
    await expect(committed).rejects.toThrow('rolled back');
    await outside;
    const names = (await app.database.db.select({ name: probeItems.name }).from(probeItems)).map((row) => row.name);
    expect(names).toEqual(['outside']);
  });

  it("inside a transaction, a repository's write through the database handle joins it: undone with it", async () => {
    const before = await rows();
    const failing = transaction(app.database.db, async (tx) => {
      await insertMany(tx, probeItems, [{ name: 'through tx', createdAt: new Date() }]);
      // what a service does when its caller (an idempotent create) opened the transaction
      await insertMany(app.database.db, probeItems, [{ name: 'through db', createdAt: new Date() }]);
      throw new Error('rolled back');
    });
    await expect(failing).rejects.toThrow('rolled back');
    expect(await rows()).toBe(before);
  });

  it('a transaction inside another is a savepoint: its failure undoes its own writes, the outer one commits', async () => {
    await transaction(app.database.db, async (tx) => {
      await insertMany(tx, probeItems, [{ name: 'outer', createdAt: new Date() }]);
      const inner = transaction(app.database.db, async (nested) => {
        await insertMany(nested, probeItems, [{ name: 'inner', createdAt: new Date() }]);
        throw new Error('inner failed');
      });
      await expect(inner).rejects.toThrow('inner failed');
      await transaction(tx, (nested) => insertMany(nested, probeItems, [{ name: 'inner kept', createdAt: new Date() }]));
    });
    const names = (await app.database.db.select({ name: probeItems.name }).from(probeItems)).map((row) => row.name);
    expect(names).toEqual(expect.arrayContaining(['outer', 'inner kept']));
    expect(names).not.toContain('inner');
  });
});
