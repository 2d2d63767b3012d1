import { sql } from 'drizzle-orm';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import { observedCalls, sqlOf, type QueryObserver } from '../observability/queries.js';
import type { DatabaseHandle } from './database.js';
import { POOL_WAIT_TIMEOUT } from './errors.js';
import * as schema from './schema.js';

export type Db = MySql2Database<typeof schema>;

export type Database = DatabaseHandle<Db>;

/** the database's name in traces (OpenTelemetry's `db.system.name`) */
export const DATABASE_SYSTEM = 'mysql';

/**
 * MySQL or MariaDB through a mysql2 connection pool. A dropped connection is
 * replaced on the next query, so the app recovers by itself when the server
 * comes back. Times travel as UTC, whatever the server's time zone.
 */
export function openDatabase(
  url: string,
  options: { poolSize: number; timeoutMs: number; onQuery?: QueryObserver } = { poolSize: 10, timeoutMs: 5000 },
): Database {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: options.poolSize,
    connectTimeout: options.timeoutMs,
    waitForConnections: true,
    enableKeepAlive: true,
    timezone: 'Z',
  });
  // a lock held too long fails the statement instead of stalling every request behind it (InnoDB waits 50 s for a
  // row lock, the server a year for a table's): whole seconds, the finest both settings take
  pool.pool.on('connection', (connection) => {
    const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
    connection.query(`SET SESSION innodb_lock_wait_timeout = ${seconds}, lock_wait_timeout = ${seconds}`);
  });
  boundPoolWait(pool, options.timeoutMs);
  if (options.onQuery) observePoolQueries(pool, options.onQuery);
  const db = drizzle(pool, { schema, mode: 'default' });
  let closing: Promise<void> | undefined;
  return {
    db,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => (closing ??= pool.end()),
  };
}

/**
 * mysql2's pool waits for a free connection without limit: with every connection held by slow requests, the next
 * would hang. Each wait here ends after `timeoutMs` with an error (a 503), as PostgreSQL's pool does; a connection
 * that comes free for a wait already given up goes straight back to the pool, to the next in line. Every query
 * and transaction of the pool asks through this method.
 */
function boundPoolWait(pool: mysql.Pool, timeoutMs: number): void {
  type Callback = (error: Error | null, connection?: { release(): void }) => void;
  const core = pool.pool as unknown as { getConnection(callback: Callback): void };
  const getConnection = core.getConnection.bind(core);
  core.getConnection = (callback) => {
    let gaveUp = false;
    const timer = setTimeout(() => {
      gaveUp = true;
      callback(Object.assign(new Error('timeout exceeded when waiting for a free connection'), { code: POOL_WAIT_TIMEOUT }));
    }, timeoutMs);
    getConnection((error, connection) => {
      if (gaveUp) return connection?.release();
      clearTimeout(timer);
      callback(error, connection);
    });
  };
}

/** The pool's queries and those of the connections it lends (transactions), observed for the metrics and traces. */
function observePoolQueries(pool: mysql.Pool, onQuery: QueryObserver): void {
  const observe = (target: { query: unknown; execute: unknown }) => {
    for (const method of ['query', 'execute'] as const) {
      const original = (target[method] as (...args: unknown[]) => unknown).bind(target);
      target[method] = observedCalls(original, onQuery, (args) => sqlOf(args[0]));
    }
  };
  observe(pool as unknown as { query: unknown; execute: unknown });
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = async () => {
    const connection = await getConnection();
    observe(connection as unknown as { query: unknown; execute: unknown });
    return connection;
  };
}
