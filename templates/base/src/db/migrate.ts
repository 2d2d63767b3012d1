import { loadConfigOrExit } from '../config.js';
import { loadDotEnv } from '../env-file.js';
import { openDatabase } from './client.js';
import { runMigrations } from './migrator.js';

// `npm run db:migrate` (or `node dist/db/migrate.js` as a release step): apply every pending migration to
// DATABASE_URL, then exit.
loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
try {
  await runMigrations(database.db);
  console.log('Migrations applied.');
} finally {
  await database.close();
}
