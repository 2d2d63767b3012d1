import { parseArgs } from 'node:util';
import { UsernameTaken, UserRepository } from '../auth/repository.js';
import { hashPassword } from '../core/auth/passwords.js';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loadDotEnv } from '../env-file.js';

// npm run user:create -- --username alice --password 's3cret-pass'
const usage = "usage: npm run user:create -- --username <name> --password '<at least 8 characters>'";

const { values } = parseArgs({ options: { username: { type: 'string' }, password: { type: 'string' } }, strict: true });
const problems = [
  !values.username?.trim() && '--username is required',
  (values.password?.length ?? 0) < 8 && '--password is required and must be at least 8 characters',
].filter(Boolean);
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(usage);
  process.exit(2);
}

loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
try {
  const user = await new UserRepository(database.db).create(values.username!.trim(), await hashPassword(values.password!));
  console.log(`Created user "${user.username}" (id ${user.id}).`);
} catch (error) {
  if (!(error instanceof UsernameTaken)) throw error;
  console.error(`A user named "${values.username}" exists already; choose another --username.`);
  process.exitCode = 1;
} finally {
  await database.close();
}
