import { UserRepository } from '../auth/repository.js';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loadDotEnv } from '../env-file.js';
import { parseCommandArgs, usageError } from './args.js';

// npm run user:promote -- --username alice   (staff: may write where routes say `staff`)
// npm run user:demote -- --username alice
const either = 'Usage: npm run user:promote|user:demote -- --username <name>';
const { values, positionals } = parseCommandArgs({ username: { type: 'string' } }, either, 1);
const action = positionals[0];
if (action !== 'promote' && action !== 'demote') usageError(`expected promote or demote, got "${action ?? ''}"`, either);
const usage = `Usage: npm run user:${action} -- --username <name>`;
const username = values.username?.trim() ?? '';
if (!username) usageError('--username is required', usage);

loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
try {
  const user = await new UserRepository(database.db).setStaff(username, action === 'promote');
  if (user) {
    console.log(`"${user.username}" (id ${user.id}) is ${user.isStaff ? 'now staff' : 'no longer staff'}.`);
  } else {
    console.error(
      `error: no user named "${username}"; create one with npm run user:create -- --username ${username} --password '<password>'.`,
    );
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
