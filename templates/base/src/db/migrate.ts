import { loadConfigOrExit } from '../config.js';
import { loadDotEnv } from '../env-file.js';
import { openDatabase } from './client.js';
import { runMigrations } from './migrator.js';
import { createDatabaseIfMissing } from './provision.js';
import { redactUrl, rootCause } from './url.js';

// `npm run db:migrate` (or `node dist/db/migrate.js` as a release step): create the database if the server has none
// of that name (and allows it), apply every pending migration to DATABASE_URL, then exit. Any failure is one line.
loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
try {
  if (await createDatabaseIfMissing(config.databaseUrl, config.database.timeoutMs))
    console.log(`Created the database ${redactUrl(config.databaseUrl)}.`);
  await runMigrations(database.db);
  console.log('Migrations applied.');
} catch (error) {
  // never the password: the URL is shown redacted
  console.error(`migrations: could not apply them to ${redactUrl(config.databaseUrl)}: ${rootCause(error)}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
