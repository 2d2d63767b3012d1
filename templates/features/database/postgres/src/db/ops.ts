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

export function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  // a transaction offers the same query API as the database it runs on
  return db.transaction((tx) => work(tx as unknown as Db));
}

export async function insertReturning<T extends PgTable>(db: Db, table: T, values: T['$inferInsert']): Promise<Row<T>> {
  const [row] = (await db.insert(table).values(values).returning()) as Row<T>[];
  return row!;
}

export async function insertMany<T extends PgTable>(db: Db, table: T, values: T['$inferInsert'][]): Promise<void> {
  await db.insert(table).values(values);
}

/** The updated row, or undefined when `where` matched none. */
export async function updateReturning<T extends PgTable>(
  db: Db,
  table: T,
  set: PgUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<Row<T> | undefined> {
  const [row] = (await db.update(table).set(set).where(where).returning()) as Row<T>[];
  return row;
}

/** How many rows a conditional UPDATE changed: the database's own answer to "who won". */
export async function updateCount<T extends PgTable>(db: Db, table: T, set: PgUpdateSetSource<T>, where: SQL | undefined): Promise<number> {
  return (await db.update(table).set(set).where(where)).rowCount ?? 0;
}

export async function deleteCount<T extends PgTable>(db: Db, table: T, where: SQL | undefined): Promise<number> {
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
 * many shapes (a list's filters and orderings), whose named statements would pile up on every connection.
 */
export function statement<R>(query: {
  prepare(name?: string): { execute(values?: Record<string, unknown>): Promise<R[]> };
}): (values: Record<string, unknown>) => Promise<R[]> {
  const built = query.prepare();
  return (values) => built.execute(values);
}
