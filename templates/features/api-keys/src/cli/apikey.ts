import { UserRepository } from '../auth/repository.js';
import { durationMs, prefixOf } from '../apikeys/keys.js';
import { ApiKeyRepository } from '../apikeys/repository.js';
import { ApiKeyService, NoSuchUser } from '../apikeys/service.js';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/client.js';
import { loadDotEnv } from '../env-file.js';
import { parseCommandArgs, usageError } from './args.js';

// npm run apikey:create -- --username alice --name ci [--expires 90d]   prints the key, once
// npm run apikey:list [-- --username alice]                             prefixes, never keys
// npm run apikey:revoke -- --prefix <prefix>                            ends the key at once
const USAGE = {
  create: 'Usage: npm run apikey:create -- --username <name> --name <what it is for> [--expires <n>d|h|m]',
  list: 'Usage: npm run apikey:list [-- --username <name>]',
  revoke: 'Usage: npm run apikey:revoke -- --prefix <prefix>',
} as const;

const action = process.argv[2];
if (action !== 'create' && action !== 'list' && action !== 'revoke') {
  usageError(`expected create, list or revoke, got "${action ?? ''}"`, Object.values(USAGE).join(' | '));
}
const usage = USAGE[action];
const { values } = parseCommandArgs(
  { username: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' }, prefix: { type: 'string' } },
  usage,
  1,
);
const allowed = { create: ['username', 'name', 'expires'], list: ['username'], revoke: ['prefix'] }[action];
const stray = Object.keys(values).find((flag) => !allowed.includes(flag));
if (stray) usageError(`--${stray} is not an option of apikey:${action}`, usage);

let expiresAt: Date | null = null;
if (action === 'create') {
  if (!values.username?.trim()) usageError('--username is required', usage);
  if (!values.name?.trim()) usageError('--name is required', usage);
  if (values.name.trim().length > 100) usageError('--name is longer than 100 characters', usage);
  if (values.expires !== undefined) {
    const ms = durationMs(values.expires);
    if (ms === null) usageError(`--expires "${values.expires}" is not a duration such as 90d, 12h or 30m`, usage);
    expiresAt = new Date(Date.now() + ms);
  }
}
// the prefix as shown by apikey:list, or the whole key when that is what the owner has at hand
const prefix = values.prefix === undefined ? undefined : (prefixOf(values.prefix) ?? values.prefix.replace(/^cpa_/, ''));
if (action === 'revoke' && !prefix) usageError('--prefix is required', usage);

loadDotEnv();
const config = loadConfigOrExit();
const database = openDatabase(config.databaseUrl, config.database);
const keys = new ApiKeyRepository(database.db);
const users = new UserRepository(database.db);
const when = (date: Date | null) => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');
try {
  if (action === 'create') {
    try {
      const { key, row } = await new ApiKeyService(keys, users).create({
        username: values.username!.trim(),
        name: values.name!.trim(),
        expiresAt,
      });
      // the key alone on stdout (`KEY=$(npm run -s apikey:create -- ...)`); what it is on stderr
      console.error(
        `Created API key ${row.prefix} "${row.name}" for "${values.username!.trim()}" (${row.expiresAt ? `expires ${when(row.expiresAt)}` : 'never expires'}). ` +
          'Store it now: only its hash is kept, it cannot be shown again.',
      );
      console.log(key);
    } catch (error) {
      if (!(error instanceof NoSuchUser)) throw error;
      console.error(`error: no user named "${error.message}"; a key acts as a user: create one with npm run user:create first.`);
      process.exitCode = 1;
    }
  } else if (action === 'list') {
    const owner = values.username === undefined ? undefined : await users.findByUsername(values.username.trim());
    if (values.username !== undefined && !owner) {
      console.error(`error: no user named "${values.username.trim()}".`);
      process.exitCode = 1;
    } else {
      const rows = await keys.list(owner?.id);
      const now = Date.now();
      const state = (row: (typeof rows)[number]) =>
        row.revokedAt ? `revoked ${when(row.revokedAt)}` : row.expiresAt && row.expiresAt.getTime() <= now ? 'expired' : 'active';
      const table = [
        ['PREFIX', 'NAME', 'USER', 'CREATED', 'EXPIRES', 'LAST USED', 'STATE'],
        ...rows.map((row) => [
          row.prefix,
          row.name,
          row.username,
          when(row.createdAt),
          when(row.expiresAt),
          when(row.lastUsedAt),
          state(row),
        ]),
      ];
      const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
      if (rows.length === 0) console.log('No API keys.');
      else
        for (const line of table)
          console.log(
            line
              .map((cell, column) => cell.padEnd(widths[column]!))
              .join('  ')
              .trimEnd(),
          );
    }
  } else {
    const row = await keys.revoke(prefix!);
    if (!row) {
      console.error(`error: no API key with prefix "${prefix}"; npm run apikey:list shows them.`);
      process.exitCode = 1;
    } else {
      console.log(`Revoked API key ${row.prefix} "${row.name}" (since ${when(row.revokedAt)}): it is refused from now on.`);
    }
  }
} finally {
  await database.close();
}
