import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loadDotEnv } from '../env-file.js';
import { DatabaseIdempotencyStore } from '../idempotency/store.js';

// npm run idempotency:flush: delete the Idempotency-Keys whose time is over (answers past IDEMPOTENCY_TTL, claims
// of creates that never finished). Each API process does it too, at most once an hour; this is for cron, or for a
// database the API has not written to for a while.
loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
try {
  const count = await new DatabaseIdempotencyStore(database.db).purge(new Date());
  console.log(`Flushed ${count} expired Idempotency-Key${count === 1 ? '' : 's'}.`);
} finally {
  await database.close();
}
