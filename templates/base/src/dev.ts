import { loadConfigOrExit } from './config.js';
import { openDatabase } from './db/client.js';
import { runMigrations } from './db/migrator.js';
import { redactUrl } from './db/url.js';
import { loadDotEnv } from './env-file.js';

// `npm run dev`: apply pending migrations, then serve. tsx watch runs this again whenever a source file or a
// migration changes, so a resource that add-resource wrote is migrated and served with no restart by hand.
loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
let migrated = false;
try {
  await runMigrations(database.db);
  migrated = true;
} catch (error) {
  // one line, never the password; tsx watch tries again on the next change
  const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  console.error(`migrations: could not apply them to ${redactUrl(config.databaseUrl)}: ${cause.split('\n')[0]}`);
} finally {
  await database.close();
}
if (migrated) await import('./server.js');
