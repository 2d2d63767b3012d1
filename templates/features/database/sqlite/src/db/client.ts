import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { observedCalls, type QueryObserver } from '../observability/queries.js';
import { useForTransactions } from './ops.js';
import type { DatabaseHandle } from './database.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export type Database = DatabaseHandle<Db>;

/** the database's name in traces (OpenTelemetry's `db.system.name`) */
export const DATABASE_SYSTEM = 'sqlite';

/**
 * SQLite through better-sqlite3: a file path (created with its folder) or
 * `:memory:`. WAL lets readers run beside the one writer. The connections
 * never wait for a lock themselves (busy_timeout = 0): better-sqlite3 would
 * wait synchronously, stopping every request; ops.ts tries a locked write
 * again on a timer instead, for up to `timeoutMs`.
 */
export function openDatabase(url: string, options: { timeoutMs: number; onQuery?: QueryObserver } = { timeoutMs: 5000 }): Database {
  const path = url.replace(/^(sqlite|file):(\/\/)?/, '');
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const connect = () => {
    const client = new Sqlite(path);
    client.pragma('journal_mode = WAL');
    client.pragma('busy_timeout = 0');
    client.pragma('foreign_keys = ON');
    if (options.onQuery) observeStatements(client, options.onQuery);
    return client;
  };
  const client = connect();
  const db = drizzle(client, { schema });
  // Transactions get a connection of their own, so requests reading on the main one see only committed rows
  // (WAL gives each connection a snapshot). An in-memory database is private to its connection: it shares it.
  const txClient = inMemory ? client : connect();
  useForTransactions(db, drizzle(txClient, { schema }), options);
  return {
    db,
    ping: async () => {
      db.get(sql`select 1`);
    },
    close: async () => {
      client.close();
      if (txClient !== client) txClient.close();
    },
  };
}

/**
 * Each statement's run, observed for the metrics and traces: better-sqlite3 runs it synchronously, so the call's
 * time is the query's.
 */
function observeStatements(client: Sqlite.Database, onQuery: QueryObserver): void {
  const prepare = client.prepare.bind(client);
  client.prepare = ((source: string) => {
    const statement = prepare(source);
    for (const method of ['run', 'get', 'all'] as const) {
      const run = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      Object.assign(statement, { [method]: observedCalls(run, onQuery, () => source) });
    }
    return statement;
  }) as typeof client.prepare;
}
