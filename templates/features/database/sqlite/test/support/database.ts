import Sqlite from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';

/**
 * Each test app gets a database file of its own in a temp folder, removed after: nothing is shared between
 * test files, and transactions run on their own connection as in production (an in-memory database cannot).
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'api-test-'));
  return { url: join(folder, 'test.sqlite'), drop: async () => rmSync(folder, { recursive: true, force: true }) };
}

/** The settings a config needs besides defaults, for tests of the config itself. */
export const REQUIRED_ENV: Record<string, string> = {};

/** The table behind the tests' probe resource (see probe.ts), in this database's DDL. */
export async function createProbeTable(database: Database): Promise<void> {
  database.db.run(
    sql`CREATE TABLE probe_items (id integer PRIMARY KEY AUTOINCREMENT, name text NOT NULL UNIQUE, created_at integer NOT NULL)`,
  );
  database.db.run(sql`CREATE INDEX probe_items_created_at_id_idx ON probe_items (created_at, id)`);
}

/**
 * Another process holding SQLite's write lock, as a migration, a backup or a script would; the function it returns
 * lets go.
 */
export async function holdWriteLock(databaseUrl: string): Promise<() => Promise<void>> {
  const holder = new Sqlite(databaseUrl);
  holder.exec('BEGIN IMMEDIATE');
  return async () => {
    holder.exec('ROLLBACK');
    holder.close();
  };
}

/**
 * The DATABASE_TIMEOUT_MS the lock tests use (the retry loop counts milliseconds): a second, so the 1.5x bound leaves
 * half a second for a loaded machine's scheduling (300 ms left 150).
 */
export const LOCK_TIMEOUT_MS = 1000;
