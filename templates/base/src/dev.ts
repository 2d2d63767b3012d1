import { loadConfigOrExit } from './config.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrator.js';
import { createDatabaseIfMissing } from './db/provision.js';
import { redactUrl, rootCause } from './db/url.js';
import { loadDotEnv } from './env-file.js';

// `npm run dev`: apply pending migrations, then serve. tsx watch runs this again whenever a source file or a
// migration changes, so a resource that add-resource wrote is migrated and served with no restart by hand.
loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
let migrated = false;
try {
  if (await createDatabaseIfMissing(config.databaseUrl, config.database.timeoutMs))
    console.log(`Created the database ${redactUrl(config.databaseUrl)}.`);
  await runMigrations(database.db);
  migrated = true;
} catch (error) {
  // one line, never the password; tsx watch tries again on the next change
  console.error(`migrations: could not apply them to ${redactUrl(config.databaseUrl)}: ${rootCause(error)}`);
} finally {
  await database.close();
}
if (migrated) await import('./server.js');
