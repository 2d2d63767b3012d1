import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import type { Database } from '../../src/db/client.js';
import { loadDotEnv } from '../../src/env-file.js';
import type { probeItems } from './probe.js';

/**
 * Each test app gets a database of its own on the server DATABASE_URL names,
 * created for it and dropped after, so test files never see each other's rows.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  loadDotEnv();
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl)
    throw new Error(
      'The tests need a MySQL or MariaDB server: set DATABASE_URL (see .env.example), e.g. mysql://root@127.0.0.1:3306/mysql',
    );
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const connection = await mysql.createConnection({ uri: serverUrl });
    try {
      await connection.query(statement);
    } finally {
      await connection.end();
    }
  };
  await admin(`CREATE DATABASE \`${name}\``);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``) };
}

/** The settings a config needs besides defaults, for tests of the config itself. */
export const REQUIRED_ENV: Record<string, string> = { DATABASE_URL: 'mysql://user:secret@127.0.0.1:3306/app' };

/** The table behind the tests' probe resource (see probe.ts), in this database's DDL. */
export async function createProbeTable(database: Database): Promise<void> {
  await database.db.execute(
    sql`CREATE TABLE probe_items (id int AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL UNIQUE, created_at datetime(3) NOT NULL)`,
  );
  await database.db.execute(sql`CREATE INDEX probe_items_created_at_id_idx ON probe_items (created_at, id)`);
}

/**
 * Another session holding the lock a write to probe_items needs, as a migration or a stuck transaction would; the
 * function it returns lets go.
 */
export async function holdWriteLock(databaseUrl: string): Promise<() => Promise<void>> {
  const holder = await mysql.createConnection({ uri: databaseUrl });
  await holder.query('LOCK TABLES probe_items WRITE');
  return async () => {
    await holder.query('UNLOCK TABLES');
    await holder.end();
  };
}

/** The smallest DATABASE_TIMEOUT_MS this database bounds a lock wait by (lock_wait_timeout takes whole seconds). */
export const LOCK_TIMEOUT_MS = 1000;

/** Values MySQL refuses to hold, each as a query that gives it one (test/database-errors.test.ts). */
export const valueRefusals = (database: Database, table: typeof probeItems): [string, () => PromiseLike<unknown>][] => [
  ['an integer past its int column', () => database.db.insert(table).values({ id: 2147483648, name: 'big', createdAt: new Date() })],
  ['a sum past BIGINT', () => database.db.execute(sql`select cast(${'9223372036854775807'} as signed) + 1`)],
  ['text past its varchar length', () => database.db.insert(table).values({ name: 'x'.repeat(101), createdAt: new Date() })],
];
