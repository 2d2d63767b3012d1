import { RefreshTokenRepository } from '../auth/repository.js';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loadDotEnv } from '../env-file.js';

// npm run tokens:flush: delete refresh-token rows that have expired (like simplejwt's flushexpiredtokens).
// Safe to run from cron: an expired token is refused by its signature's exp anyway.
loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
try {
  const count = await new RefreshTokenRepository(database.db).flushExpired();
  console.log(`Flushed ${count} expired refresh token${count === 1 ? '' : 's'}.`);
} finally {
  await database.close();
}
