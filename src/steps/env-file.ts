// The project's .env: local settings for development, written once. It holds
// what must not be committed (a JWT secret of its own) and what the person
// chose (the database), so `npm run dev` keeps its tokens across restarts.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { databaseFeature } from '../features/database.js';

const SCHEMES = { sqlite: null, postgres: /^postgres(ql)?:\/\//, mysql: /^mysql:\/\// } as const;

/**
 * Writes `.env` unless one is there (never overwritten, git-ignored by the
 * project's .gitignore). DATABASE_URL is the one given to create when it fits
 * the chosen database, else .env.example's.
 */
export async function writeLocalEnv(
  ctx: Pick<Context, 'targetDir' | 'database' | 'auth' | 'dbName'>,
  env: NodeJS.ProcessEnv,
): Promise<'written' | 'kept'> {
  const file = path.join(ctx.targetDir, '.env');
  if (existsSync(file)) return 'kept';
  await writeFile(file, localEnv(ctx, env), { flag: 'wx' });
  return 'written';
}

export function localEnv(ctx: Pick<Context, 'database' | 'auth' | 'dbName'>, env: NodeJS.ProcessEnv): string {
  const given = env.DATABASE_URL?.trim();
  const scheme = SCHEMES[ctx.database];
  const fits = given && (scheme ? scheme.test(given) : !given.includes('://'));
  const lines = [
    '# Local settings for development, written by create-prod-api: git-ignored, never overwritten by it.',
    '# Every setting and what it means: .env.example.',
    `DATABASE_URL=${fits ? given : databaseFeature(ctx).envUrl}`,
  ];
  if (ctx.auth === 'jwt')
    lines.push('# random for this project: tokens survive restarts of npm run dev', `JWT_SECRET=${randomBytes(48).toString('base64url')}`);
  // until these name the identity provider, every token is refused (README: "Your identity provider")
  if (ctx.auth === 'oidc')
    lines.push("# your identity provider: its issuer, and this API's identifier in its tokens' aud", 'OIDC_ISSUER=', 'OIDC_AUDIENCE=');
  return `${lines.join('\n')}\n`;
}
