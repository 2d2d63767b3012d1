import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import { DatabaseBusy } from '../core/errors.js';
import type { Db } from './client.js';

/**
 * The writes and transactions repositories use, over better-sqlite3, which is
 * synchronous. Every write runs one at a time, in process order: SQLite has a
 * single writer anyway, and a transaction holds the turn until it commits, so
 * an `await` inside it never lets another request's write in, and this process
 * never waits on a lock it holds itself. Transactions run on a connection of
 * their own (see client.ts), so reads elsewhere never see uncommitted rows.
 *
 * A lock held by another process never stops the event loop: the connections
 * wait zero ms (busy_timeout = 0, client.ts), and a write that finds the
 * database locked is tried again on a timer, until DATABASE_TIMEOUT_MS has
 * passed (then 503). Meanwhile every other request is served.
 */
let queue: Promise<unknown> = Promise.resolve();
/** the handles transactions run on: a write through one of them already holds the turn */
const insideTransaction = new WeakSet<Db>();
/** set while a transaction's callback runs: a write through another handle then would wait for the transaction itself */
const runningTransaction = new AsyncLocalStorage<Db>();
let timeoutMs = 5000;

/**
 * One write statement, in its turn (at once inside a transaction, which holds the turn already). Its wait counts
 * from now: a write queued behind others that each waited for the lock gets its 503 by the timeout, not after
 * theirs added up.
 */
function exclusive<T>(db: Db, work: (db: Db) => T): Promise<T> {
  if (insideTransaction.has(db)) return Promise.resolve().then(() => work(db));
  // inside transaction(db, ...), a write through `db` joins it (it holds the turn): an idempotent create keeps its
  // answer in the create's own transaction, whose writes go through the repository's handle
  const running = runningTransaction.getStore();
  if (running && transactionConnections.get(db) === running) return Promise.resolve().then(() => work(running));
  const deadline = Date.now() + timeoutMs;
  return inTurn(() => whenUnlocked(() => work(db), deadline));
}

/** Runs `work` when every write queued before it is done; the next waits for it. */
function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (runningTransaction.getStore()) {
    return Promise.reject(
      new Error(
        'A write through another database handle inside transaction() would wait for that transaction to end, forever: ' +
          'write through the handle the callback receives (transaction(db, async (tx) => insertMany(tx, ...))).',
      ),
    );
  }
  const run = queue.then(work);
  queue = run.catch(() => undefined);
  return run;
}

/** Runs `work`, and again on a timer while another process holds the database's lock, until `deadline`. */
async function whenUnlocked<T>(work: () => T, deadline = Date.now() + timeoutMs): Promise<T> {
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw new DatabaseBusy();
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, left)));
    }
  }
}

/** SQLITE_BUSY (and its extended codes), wherever drizzle wrapped it. */
function isBusy(error: unknown): boolean {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if (String((current as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return true;
  }
  return false;
}

type Row<T extends SQLiteTable> = T['$inferSelect'];

const transactionConnections = new WeakMap<Db, Db>();

/** Registers the connection `transaction(db, ...)` runs on (client.ts), and how long a write may wait for a lock. */
export function useForTransactions(db: Db, tx: Db, options: { timeoutMs: number }): void {
  transactionConnections.set(db, tx);
  insideTransaction.add(tx);
  timeoutMs = options.timeoutMs;
}

/**
 * Runs `work` in one transaction; every write of this module through `db` or `tx` meanwhile is part of it. Inside
 * another transaction on the same database it is a savepoint of that one: its failure undoes its own writes only.
 * Reads through `tx` see the transaction's writes; reads through `db` run on another connection and do not.
 */
export function transaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  const running = runningTransaction.getStore();
  if (running && (db === running || transactionConnections.get(db) === running)) return savepoint(running, work);
  const tx = transactionConnections.get(db);
  if (!tx) throw new Error('transaction() needs the database handle openDatabase() returned');
  // the turn is held from BEGIN to COMMIT; BEGIN IMMEDIATE takes the write lock, tried again while another process has
  // it, until the timeout counted from now (the wait in the queue included)
  const deadline = Date.now() + timeoutMs;
  return inTurn(async () => {
    await whenUnlocked(() => tx.run(sql`BEGIN IMMEDIATE`), deadline);
    try {
      const result = await runningTransaction.run(tx, () => work(tx));
      await whenUnlocked(() => tx.run(sql`COMMIT`));
      return result;
    } catch (error) {
      try {
        tx.run(sql`ROLLBACK`);
      } catch {
        // nothing left to roll back: the error ended the transaction already
      }
      throw error;
    }
  });
}

/**
 * The handle a statement runs on: inside `transaction(db, ...)`, the transaction's connection, whether it was given
 * `db` or `tx`. A read inside a create that must see its writes goes through it (`activeHandle(this.db)`); writes of
 * this module join the transaction on their own.
 */
export function activeHandle(db: Db): Db {
  const running = runningTransaction.getStore();
  return running && (db === running || transactionConnections.get(db) === running) ? running : db;
}

/** A transaction inside another: undone alone when `work` fails, the outer one going on. */
async function savepoint<T>(tx: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  tx.run(sql`SAVEPOINT nested`);
  try {
    const result = await work(tx);
    tx.run(sql`RELEASE nested`);
    return result;
  } catch (error) {
    tx.run(sql`ROLLBACK TO nested`);
    tx.run(sql`RELEASE nested`);
    throw error;
  }
}

export function insertReturning<T extends SQLiteTable>(db: Db, table: T, values: T['$inferInsert']): Promise<Row<T>> {
  return exclusive(db, (handle) => handle.insert(table).values(values).returning().get() as Row<T>);
}

export function insertMany<T extends SQLiteTable>(db: Db, table: T, values: T['$inferInsert'][]): Promise<void> {
  return exclusive(db, (handle) => {
    handle.insert(table).values(values).run();
  });
}

/** The updated row, or undefined when `where` matched none. */
export function updateReturning<T extends SQLiteTable>(
  db: Db,
  table: T,
  set: SQLiteUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<Row<T> | undefined> {
  return exclusive(db, (handle) => handle.update(table).set(set).where(where).returning().get() as Row<T> | undefined);
}

/** How many rows a conditional UPDATE changed: the database's own answer to "who won". */
export function updateCount<T extends SQLiteTable>(
  db: Db,
  table: T,
  set: SQLiteUpdateSetSource<T>,
  where: SQL | undefined,
): Promise<number> {
  return exclusive(db, (handle) => handle.update(table).set(set).where(where).run().changes);
}

export function deleteCount<T extends SQLiteTable>(db: Db, table: T, where: SQL | undefined): Promise<number> {
  return exclusive(db, (handle) => handle.delete(table).where(where).run().changes);
}

/** Prepares a select once, on first use (its tables may not exist yet when it is built); runs it with placeholder values. */
export function prepared<R>(query: {
  prepare(): { all(values?: Record<string, unknown>): R[] };
}): (values: Record<string, unknown>) => Promise<R[]> {
  let statement: { all(values?: Record<string, unknown>): R[] } | undefined;
  return async (values) => (statement ??= query.prepare()).all(values);
}

/** A statement built once and run with new values, for a list's queries and a resource's detail: here, `prepared` itself. */
export const statement = prepared;
