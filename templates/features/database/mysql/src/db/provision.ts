import mysql from 'mysql2/promise';
import { rootCause } from './url.js';

/**
 * `db:migrate` and `dev` on a server without the database DATABASE_URL names: create it, as the same user, when
 * the server allows it; otherwise say in one line what to run. Resolves to whether it created the database.
 * Connection failures are thrown as they are.
 */
export async function createDatabaseIfMissing(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const probe = await mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
    await probe.end();
    return false;
  } catch (error) {
    const code = (error as { code?: string }).code;
    // the user may not see it (whether or not it exists): only an administrator can make it theirs
    if (code === 'ER_DBACCESS_DENIED_ERROR') {
      const user = decodeURIComponent(new URL(url).username);
      throw new Error(
        `the user '${user}' may not use the database ${quotedName(url)} (or it does not exist): as an administrator, run CREATE DATABASE IF NOT EXISTS ${quotedName(url)}; GRANT ALL ON ${quotedName(url)}.* TO '${user}'@'%'`,
      );
    }
    // the server answered: no such database
    if (code !== 'ER_BAD_DB_ERROR') throw error;
  }
  const target = new URL(url);
  const quoted = quotedName(url);
  target.pathname = '/';
  let admin: mysql.Connection | undefined;
  try {
    admin = await mysql.createConnection({ uri: target.toString(), connectTimeout: timeoutMs });
    const [result] = await admin.query(`CREATE DATABASE IF NOT EXISTS ${quoted}`);
    // 0 rows affected: another process made it meanwhile
    return (result as { affectedRows?: number }).affectedRows !== 0;
  } catch (error) {
    throw new Error(
      `database ${quoted} does not exist and could not be created (${rootCause(error)}): run CREATE DATABASE ${quoted} as a user who may, or point DATABASE_URL at a database that exists`,
    );
  } finally {
    await admin?.end().catch(() => {});
  }
}

/** The database a URL names, quoted for MySQL. */
function quotedName(url: string): string {
  return `\`${decodeURIComponent(new URL(url).pathname.slice(1)).replaceAll('`', '``')}\``;
}
