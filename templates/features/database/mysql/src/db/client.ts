import { sql } from 'drizzle-orm';
import { drizzle, type MySql2Database } from 'drizzle-orm/mysql2';
import mysql from 'mysql2/promise';
import { timedQueries } from '../observability/metrics.js';
import type { DatabaseHandle } from './database.js';
import * as schema from './schema.js';

export type Db = MySql2Database<typeof schema>;

export type Database = DatabaseHandle<Db>;

/**
 * MySQL or MariaDB through a mysql2 connection pool. A dropped connection is
 * replaced on the next query, so the app recovers by itself when the server
 * comes back. Times travel as UTC, whatever the server's time zone.
 */
export function openDatabase(
  url: string,
  options: { poolSize: number; timeoutMs: number; onQuery?: (seconds: number) => void } = { poolSize: 10, timeoutMs: 5000 },
): Database {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: options.poolSize,
    connectTimeout: options.timeoutMs,
    waitForConnections: true,
    enableKeepAlive: true,
    timezone: 'Z',
  });
  // a lock held too long fails the statement instead of stalling every request behind it (InnoDB waits 50 s)
  pool.pool.on('connection', (connection) => {
    connection.query(`SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(options.timeoutMs / 1000))}`);
  });
  if (options.onQuery) timePoolQueries(pool, options.onQuery);
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

/** The pool's queries and those of the connections it lends (transactions), timed for the metrics. */
function timePoolQueries(pool: mysql.Pool, onQuery: (seconds: number) => void): void {
  const timeOn = (target: { query: unknown; execute: unknown }) => {
    for (const method of ['query', 'execute'] as const) {
      const original = (target[method] as (...args: never[]) => unknown).bind(target);
      target[method] = timedQueries(original, onQuery);
    }
  };
  timeOn(pool as unknown as { query: unknown; execute: unknown });
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = async () => {
    const connection = await getConnection();
    timeOn(connection as unknown as { query: unknown; execute: unknown });
    return connection;
  };
}
