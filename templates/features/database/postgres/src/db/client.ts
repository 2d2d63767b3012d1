import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { DatabaseHandle } from './database.js';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;

export type Database = DatabaseHandle<Db>;

/**
 * PostgreSQL through a pg connection pool. A dropped connection is replaced on
 * the next query, so the app recovers by itself when the server comes back.
 */
export function openDatabase(url: string, options: { poolSize: number; timeoutMs: number } = { poolSize: 10, timeoutMs: 5000 }): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.timeoutMs,
    idleTimeoutMillis: 30_000,
    // a lock held too long fails the statement instead of stalling every request behind it
    lock_timeout: options.timeoutMs,
  });
  // an idle connection dying (a server restart) must not crash the process; the next query reconnects
  pool.on('error', () => {});
  const db = drizzle(pool, { schema });
  let closing: Promise<void> | undefined;
  return {
    db,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => (closing ??= pool.end()),
  };
}
