import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import type { Db } from './client.js';

/**
 * The writes and transactions repositories use, over better-sqlite3, which is
 * synchronous. Every write runs one at a time, in process order: SQLite has a
 * single writer anyway, and a transaction holds the turn until it commits, so
 * an `await` inside it never lets another request's write in, and this process
 * never waits on a lock it holds itself. Transactions run on a connection of
 * their own (see client.ts), so reads elsewhere never see uncommitted rows.
 */
let queue: Promise<unknown> = Promise.resolve();
/** the handles transactions run on: a write through one of them already holds the turn */
const insideTransaction = new WeakSet<Db>();

function exclusive<T>(db: Db, work: () => Promise<T> | T): Promise<T> {
  if (insideTransaction.has(db)) return Promise.resolve().then(work);
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

type Row<T extends SQLiteTable> = T['$inferSelect'];

const transactionConnections = new WeakMap<Db, Db>();

/** Registers the connection `transaction(db, ...)` runs on (client.ts). */
export function useForTransactions(db: Db, tx: Db): void {
  transactionConnections.set(db, tx);
  insideTransaction.add(tx);
}

export function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  const tx = transactionConnections.get(db);
  if (!tx) throw new Error('transaction() needs the database handle openDatabase() returned');
  return exclusive(db, async () => {
    tx.run(sql`BEGIN IMMEDIATE`);
    try {
      const result = await work(tx);
      tx.run(sql`COMMIT`);
      return result;
    } catch (error) {
      tx.run(sql`ROLLBACK`);
      throw error;
    }
  });
}

export function insertReturning<T extends SQLiteTable>(db: Db, table: T, values: T['$inferInsert']): Promise<Row<T>> {
  return exclusive(db, () => db.insert(table).values(values).returning().get() as Row<T>);
}

export function insertMany<T extends SQLiteTable>(db: Db, table: T, values: T['$inferInsert'][]): Promise<void> {
  return exclusive(db, () => {
    db.insert(table).values(values).run();
  });
}

/** The updated row, or undefined when `where` matched none. */
export function updateReturning<T extends SQLiteTable>(
  db: Db,
  table: T,
  set: SQLiteUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<Row<T> | undefined> {
  return exclusive(db, () => db.update(table).set(set).where(where).returning().get() as Row<T> | undefined);
}

/** How many rows a conditional UPDATE changed: the database's own answer to "who won". */
export function updateCount<T extends SQLiteTable>(
  db: Db,
  table: T,
  set: SQLiteUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<number> {
  return exclusive(db, () => db.update(table).set(set).where(where).run().changes);
}

export function deleteCount<T extends SQLiteTable>(db: Db, table: T, where: SQL | undefined): Promise<number> {
  return exclusive(db, () => db.delete(table).where(where).run().changes);
}

/** Prepares a select once, on first use (its tables may not exist yet when it is built); runs it with placeholder values. */
export function prepared<R>(query: {
  prepare(): { all(values?: Record<string, unknown>): R[] };
}): (values: Record<string, unknown>) => Promise<R[]> {
  let statement: { all(values?: Record<string, unknown>): R[] } | undefined;
  return async (values) => (statement ??= query.prepare()).all(values);
}
