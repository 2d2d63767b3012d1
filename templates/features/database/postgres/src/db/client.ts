import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { observedCalls, sqlOf, type QueryObserver } from '../observability/queries.js';
import type { DatabaseHandle } from './database.js';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema>;

export type Database = DatabaseHandle<Db>;

/** the database's name in traces (OpenTelemetry's `db.system.name`) */
export const DATABASE_SYSTEM = 'postgresql';

/**
 * PostgreSQL through a pg connection pool. A dropped connection is replaced on
 * the next query, so the app recovers by itself when the server comes back.
 */
export function openDatabase(
  url: string,
  options: { poolSize: number; timeoutMs: number; onQuery?: QueryObserver } = { poolSize: 10, timeoutMs: 5000 },
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
  // every query runs on a pooled client (pool.query included): observed there, for the metrics and the traces
  const { onQuery } = options;
  if (onQuery) pool.on('connect', (client) => observeClientQueries(client, onQuery));
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

/** A client's queries, observed: the promise form drizzle uses, and the callback form pg's own pool.query uses. */
function observeClientQueries(client: pg.PoolClient, onQuery: QueryObserver): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const observed = observedCalls(query, onQuery, (args) => sqlOf(args[0]));
  (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
    const callback = args.at(-1);
    if (typeof callback !== 'function') return observed(...args);
    const end = onQuery(sqlOf(args[0]));
    return query(...args.slice(0, -1), (error: unknown, ...result: unknown[]) => {
      end(error ?? undefined);
      return (callback as (...result: unknown[]) => unknown)(error, ...result);
    });
  };
}
