import { RefreshTokenRepository } from '../auth/repository.js';
import { openDatabase } from '../db/client.js';
import { loadDotEnv } from '../env-file.js';

// npm run tokens:flush: delete refresh-token rows that have expired (like simplejwt's flushexpiredtokens).
// Safe to run from cron: an expired token is refused by its signature's exp anyway.
loadDotEnv();
const database = openDatabase(process.env.DATABASE_URL ?? './data/db.sqlite');
try {
  const count = await new RefreshTokenRepository(database.db).flushExpired();
  console.log(`Flushed ${count} expired refresh token${count === 1 ? '' : 's'}.`);
} finally {
  await database.close();
}
