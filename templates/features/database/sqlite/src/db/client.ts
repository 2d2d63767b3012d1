import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Database {
  db: Db;
  /** answers when the database does; used by /health/ready */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * SQLite through better-sqlite3: a file path (created with its folder) or
 * `:memory:`. WAL lets readers run beside the one writer; the busy timeout
 * makes a second process wait for a lock instead of failing at once.
 */
export function openDatabase(url: string, options: { timeoutMs: number } = { timeoutMs: 5000 }): Database {
  const path = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new Sqlite(path);
  client.pragma('journal_mode = WAL');
  client.pragma(`busy_timeout = ${Math.floor(options.timeoutMs)}`);
  client.pragma('foreign_keys = ON');
  const db = drizzle(client, { schema });
  return {
    db,
    ping: async () => {
      db.get(sql`select 1`);
    },
    close: async () => {
      client.close();
    },
  };
}
