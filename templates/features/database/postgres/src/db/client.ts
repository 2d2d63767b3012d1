import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { timedQueries } from '../observability/metrics.js';
import type { DatabaseHandle } from './database.js';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;

export type Database = DatabaseHandle<Db>;

/**
 * PostgreSQL through a pg connection pool. A dropped connection is replaced on
 * the next query, so the app recovers by itself when the server comes back.
 */
export function openDatabase(
  url: string,
  options: { poolSize: number; timeoutMs: number; onQuery?: (seconds: number) => void } = { poolSize: 10, timeoutMs: 5000 },
): Database {
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
  // every query runs on a pooled client (pool.query included): timed there, for the metrics
  const { onQuery } = options;
  if (onQuery) pool.on('connect', (client) => timeClientQueries(client, onQuery));
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

/** A client's queries, timed: the promise form drizzle uses, and the callback form pg's own pool.query uses. */
function timeClientQueries(client: pg.PoolClient, onQuery: (seconds: number) => void): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const timed = timedQueries(query, onQuery);
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const callback = args.at(-1);
    if (typeof callback !== 'function') return timed(...(args as never[]));
    const startedAt = process.hrtime.bigint();
    return query(...args.slice(0, -1), (...result: unknown[]) => {
      onQuery(Number(process.hrtime.bigint() - startedAt) / 1e9);
      return (callback as (...result: unknown[]) => unknown)(...result);
    });
  };
}
