import { AsyncLocalStorage } from 'node:async_hooks';
import { and, eq, type SQL } from 'drizzle-orm';
import type { MySqlColumn, MySqlTable, MySqlUpdateSetSource } from 'drizzle-orm/mysql-core';
import type { Db } from './client.js';

/**
 * The writes and transactions repositories use, over MySQL / MariaDB. Each runs
 * on a pooled connection; correctness under concurrency comes from the database
 * (conditional UPDATEs, row locks, unique indexes), so several API processes can
 * share one database. MySQL has no RETURNING: rows are read back by id.
 */
type Row<T extends MySqlTable> = T['$inferSelect'];
type WithId = MySqlTable & { id: MySqlColumn };
type Affected = [{ affectedRows: number }, unknown];

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

export async function insertReturning<T extends WithId>(db: Db, table: T, values: T['$inferInsert']): Promise<Row<T>> {
  db = activeHandle(db);
  const [inserted] = (await db.insert(table).values(values).$returningId()) as unknown as { id: number }[];
  const [row] = (await db
    .select()
    .from(table as MySqlTable)
    .where(eq(table.id, inserted!.id))) as Row<T>[];
  return row!;
}

export async function insertMany<T extends MySqlTable>(db: Db, table: T, values: T['$inferInsert'][]): Promise<void> {
  db = activeHandle(db);
  await db.insert(table).values(values);
}

/**
 * The updated row, or undefined when `where` matched none. MySQL has no RETURNING: the row is found first, the
 * UPDATE keeps the whole condition (a version an If-Match named still decides who wins), and the row is read back
 * by its id (the condition may no longer hold once the row changed: its version moved on).
 */
export async function updateReturning<T extends WithId>(
  db: Db,
  table: T,
  set: MySqlUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<Row<T> | undefined> {
  db = activeHandle(db);
  const [target] = (await db
    .select({ id: table.id })
    .from(table as MySqlTable)
    .where(where)
    .limit(1)) as { id: number }[];
  if (!target) return undefined;
  const [result] = (await db
    .update(table)
    .set(set)
    .where(and(where, eq(table.id, target.id)))) as unknown as Affected;
  if (result.affectedRows === 0) return undefined;
  const [row] = (await db
    .select()
    .from(table as MySqlTable)
    .where(eq(table.id, target.id))) as Row<T>[];
  return row;
}

/** How many rows a conditional UPDATE matched: the database's own answer to "who won". */
export async function updateCount<T extends MySqlTable>(
  db: Db,
  table: T,
  set: MySqlUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<number> {
  db = activeHandle(db);
  const [result] = (await db.update(table).set(set).where(where)) as unknown as Affected;
  return result.affectedRows;
}

export async function deleteCount<T extends MySqlTable>(db: Db, table: T, where: SQL | undefined): Promise<number> {
  db = activeHandle(db);
  const [result] = (await db.delete(table).where(where)) as unknown as Affected;
  return result.affectedRows;
}

/** Prepares a select once, on first use; runs it with placeholder values. */
export function prepared<R>(query: {
  prepare(): { execute(values?: Record<string, unknown>): Promise<R[]> };
}): (values: Record<string, unknown>) => Promise<R[]> {
  let statement: { execute(values?: Record<string, unknown>): Promise<R[]> } | undefined;
  return (values) => (statement ??= query.prepare()).execute(values);
}

/** A statement built once and run with new values, for a list's queries and a resource's detail: here, `prepared` itself. */
export const statement = prepared;
