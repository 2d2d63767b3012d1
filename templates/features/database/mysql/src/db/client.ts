import { sql } from 'drizzle-orm';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import { observedCalls, sqlOf, type QueryObserver } from '../observability/queries.js';
import type { DatabaseHandle } from './database.js';
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
