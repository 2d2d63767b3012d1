import { UsernameTaken, UserRepository } from '../auth/repository.js';
import { hashPassword, passwordProblems } from '../core/auth/passwords.js';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loadDotEnv } from '../env-file.js';
import { parseCommandArgs, usageError } from './args.js';

// npm run user:create -- --username alice --password 's3cret-pass' [--staff]
const usage = "Usage: npm run user:create -- --username <name> --password '<password>' [--staff]";

const { values } = parseCommandArgs(
  { username: { type: 'string' }, password: { type: 'string' }, staff: { type: 'boolean', default: false } },
  usage,
);
const username = values.username?.trim() ?? '';
const password = values.password ?? '';
if (!username) usageError('--username is required', usage);
if (!password) usageError('--password is required', usage);
const problems = passwordProblems(password, username);
if (problems.length > 0) usageError(`--password is too weak: ${problems.join('; ')}`, usage);

loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
try {
  const user = await new UserRepository(database.db).create(username, await hashPassword(password), { isStaff: values.staff });
  console.log(`Created ${user.isStaff ? 'staff ' : ''}user "${user.username}" (id ${user.id}).`);
} catch (error) {
  if (!(error instanceof UsernameTaken)) throw error;
  console.error(`error: a user named "${username}" exists already; choose another --username.`);
  process.exitCode = 1;
} finally {
  await database.close();
}
