import pg from 'pg';
import { rootCause } from './url.js';

/**
 * `db:migrate` and `dev` on a server without the database DATABASE_URL names: create it, as the same user, when
 * the server allows it (PostgreSQL's own `createdb` needs no more); otherwise say in one line what to run.
 * Resolves to whether it created the database. Connection failures are thrown as they are.
 */
export async function createDatabaseIfMissing(url: string, timeoutMs: number): Promise<boolean> {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    // 3D000 invalid_catalog_name: the server answered, the database is not there
    if ((error as { code?: string }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => {});
  }
  const target = new URL(url);
  // decoded as pg itself decodes it (decodeURI), so this names the database the probe asked for
  const name = decodeURI(target.pathname.slice(1));
  const quoted = `"${name.replaceAll('"', '""')}"`;
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString(), connectionTimeoutMillis: timeoutMs });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${quoted}`);
    return true;
  } catch (error) {
    // 42P04 duplicate_database: another process made it meanwhile
    if ((error as { code?: string }).code === '42P04') return false;
    throw new Error(
      `database ${quoted} does not exist and could not be created (${rootCause(error)}): run CREATE DATABASE ${quoted} as a user who may, or point DATABASE_URL at a database that exists`,
    );
  } finally {
    await admin.end().catch(() => {});
  }
}
