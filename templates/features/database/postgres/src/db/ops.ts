import { AsyncLocalStorage } from 'node:async_hooks';
import type { SQL } from 'drizzle-orm';
import type { PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

/**
 * The writes and transactions repositories use, over PostgreSQL. Each runs on
 * a pooled connection; correctness under concurrency comes from the database
 * (conditional UPDATEs, row locks, unique indexes), so several API processes
 * can share one database.
 */
type Row<T extends PgTable> = T['$inferSelect'];

/** The transaction running in this async context, and the handle it was opened on. */
const running = new AsyncLocalStorage<{ db: Db; tx: Db }>();

/**
 * The handle a statement runs on: inside `transaction(db, ...)`, the transaction's, whether it was given `db` or
 * `tx`. So a repository's write joins a transaction its caller opened (an idempotent create keeps its answer in the
 * create's own transaction) instead of running beside it on another connection. A read inside a create that must
 * see its writes, or must not wait for a second pooled connection, goes through it too (`activeHandle(this.db)`).
 */
export function activeHandle(db: Db): Db {
  const current = running.getStore();
  return current && (current.db === db || current.tx === db) ? current.tx : db;
}

/**
 * Runs `work` in one transaction; every write of this module through `db` or `tx` meanwhile is part of it. Inside
 * another transaction on the same database it is a savepoint of that one: its failure undoes its own writes only.
 * Reads through `tx` see the transaction's writes; reads through `db` run on another connection and do not.
 */
export function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  const current = running.getStore();
  // a transaction offers the same query API as the database it runs on
  if (current && (current.db === db || current.tx === db)) return current.tx.transaction((savepoint) => work(savepoint as unknown as Db));
  return db.transaction((tx) => running.run({ db, tx: tx as unknown as Db }, () => work(tx as unknown as Db)));
}

export async function insertReturning<T extends PgTable>(db: Db, table: T, values: T['$inferInsert']): Promise<Row<T>> {
  db = activeHandle(db);
  const [row] = (await db.insert(table).values(values).returning()) as Row<T>[];
  return row!;
}

export async function insertMany<T extends PgTable>(db: Db, table: T, values: T['$inferInsert'][]): Promise<void> {
  db = activeHandle(db);
  await db.insert(table).values(values);
}

/** The updated row, or undefined when `where` matched none. */
export async function updateReturning<T extends PgTable>(
  db: Db,
  table: T,
  set: PgUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<Row<T> | undefined> {
  db = activeHandle(db);
  const [row] = (await db.update(table).set(set).where(where).returning()) as Row<T>[];
  return row;
}

/** How many rows a conditional UPDATE changed: the database's own answer to "who won". */
export async function updateCount<T extends PgTable>(db: Db, table: T, set: PgUpdateSetSource<T>, where: SQL | undefined): Promise<number> {
  db = activeHandle(db);
  return (await db.update(table).set(set).where(where)).rowCount ?? 0;
}

export async function deleteCount<T extends PgTable>(db: Db, table: T, where: SQL | undefined): Promise<number> {
  db = activeHandle(db);
  return (await db.delete(table).where(where)).rowCount ?? 0;
}

let statements = 0;

/** Prepares a select once per connection (a named server-side statement); runs it with placeholder values. */
export function prepared<R>(query: {
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R[]> };
}): (values: Record<string, unknown>) => Promise<R[]> {
  const statement = query.prepare(`q${++statements}`);
  return (values) => statement.execute(values);
}

/**
 * A statement built once (drizzle's work) and run with new values, without a name on the server: for queries of
 * many shapes (a list's filters and orderings), whose named statements would pile up on every connection, and for
 * the resources' own reads (a detail): a migration may change a column's type while an older process still serves,
 * and a named statement's plan would then fail ("cached plan must not change result type") on every connection
 * that had prepared it, until that process restarts.
 */
export function statement<R>(query: {
  prepare(name?: string): { execute(values?: Record<string, unknown>): Promise<R[]> };
}): (values: Record<string, unknown>) => Promise<R[]> {
  const built = query.prepare();
  return (values) => built.execute(values);
}
