import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../src/apikeys/table.js';
import { ApiKeyRepository } from '../src/apikeys/repository.js';
import { ApiKeyService } from '../src/apikeys/service.js';
import { UserRepository } from '../src/auth/repository.js';
import { users } from '../src/auth/tables.js';
import { loadConfig } from '../src/config.js';
import { updateCount } from '../src/db/ops.js';
import { expectError, startTestApp, type TestApp } from './support/app.js';
import { createUser, login } from './support/auth.js';
import { probeRegistry } from './support/probe.js';

const run = promisify(execFile);
const KEY = /^cpa_[0-9A-Za-z]{8}_[0-9A-Za-z]{43}$/;
const NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };

/** API keys for machine clients (contract §4.2), as a CI job uses them and as their owner manages them. */
describe('API keys', () => {
  let app: TestApp;
  let probes: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    probes = await startTestApp({ registry: probeRegistry() });
  });
  afterAll(async () => {
    await app.close();
    await probes.close();
  });

  /** `npm run apikey:<action> -- ...` against a test app's database: exit code and output. */
  async function command(on: TestApp, action: 'create' | 'list' | 'revoke', ...args: string[]) {
    const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: on.config.databaseUrl };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/apikey.ts', action, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }
  const service = (on: TestApp) => new ApiKeyService(new ApiKeyRepository(on.database.db), new UserRepository(on.database.db));
  const keyFor = async (on: TestApp, username: string, expiresAt: Date | null = null) =>
    (await service(on).create({ username, name: 'test', expiresAt })).key;
  const rowOf = async (on: TestApp, key: string) =>
    (
      await on.database.db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.prefix, key.slice(4, 12)))
    )[0]!;
  const me = (on: TestApp, headers: Record<string, string>) => on.request('/api/v1/me', { headers });

  it('apikey:create prints the key once, alone on stdout; only its SHA-256 is stored', async () => {
    const alice = await createUser(app, 'alice');
    const result = await command(app, 'create', '--username', 'alice', '--name', 'ci', '--expires', '90d');
    expect(result.code).toBe(0);
    const key = result.stdout.trim();
    expect(key).toMatch(KEY);
    expect(result.stderr).toMatch(new RegExp(`^Created API key ${key.slice(4, 12)} "ci" for "alice" \\(expires \\d{4}-\\d\\d-\\d\\dT`));
    expect(result.stderr).not.toContain(key);

    const row = await rowOf(app, key);
    expect(row).toMatchObject({ prefix: key.slice(4, 12), name: 'ci', userId: alice.id, revokedAt: null, lastUsedAt: null });
    expect(row.hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key.slice(13));
    const days = (row.expiresAt!.getTime() - row.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(90, 2);
  });

  it('a key is sent as X-API-Key or as a Bearer token, and acts as its owner', async () => {
    const bob = await createUser(app, 'bob');
    const key = await keyFor(app, 'bob');
    const forms: Record<string, string>[] = [{ 'X-API-Key': key }, { Authorization: `Bearer ${key}` }];
    for (const headers of forms) {
      const response = await me(app, headers);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: bob.id, username: 'bob' });
    }
    // the owner's own access token goes on working beside it
    expect((await me(app, { Authorization: `Bearer ${(await login(app, 'bob')).access}` })).status).toBe(200);
  });

  it("the owner's role is read on every request: promote or demote the user, and the key follows", async () => {
    await createUser(probes, 'robot');
    const key = await keyFor(probes, 'robot');
    const staffOnly = () => probes.request('/api/v1/probe/staff', { headers: { 'X-API-Key': key } });
    expect((await staffOnly()).status).toBe(403);
    await new UserRepository(probes.database.db).setStaff('robot', true);
    expect(await (await staffOnly()).json()).toEqual({ staff: true });
    await new UserRepository(probes.database.db).setStaff('robot', false);
    expect((await staffOnly()).status).toBe(403);
  });

  it('a revoked, expired, unknown, tampered or malformed key, or one of an inactive user, is a 401 token_not_valid', async () => {
    await createUser(app, 'carol');
    const revoked = await keyFor(app, 'carol');
    expect((await me(app, { 'X-API-Key': revoked })).status).toBe(200);
    const result = await command(app, 'revoke', '--prefix', revoked.slice(4, 12));
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^Revoked API key \w{8} "test" \(since .+\): it is refused from now on\.\n$/),
    });

    const expired = await keyFor(app, 'carol', new Date(Date.now() - 1000));
    const valid = await keyFor(app, 'carol');
    const tampered = `${valid.slice(0, -1)}${valid.endsWith('a') ? 'b' : 'a'}`;
    const unknown = `cpa_ZZZZzzzz_${'A'.repeat(43)}`;
    await createUser(app, 'dave');
    const inactiveOwner = await keyFor(app, 'dave');
    await updateCount(app.database.db, users, { isActive: false }, eq(users.username, 'dave'));

    for (const key of [revoked, expired, tampered, unknown, inactiveOwner, 'cpa_short', '', `${valid} extra`]) {
      const forms: Record<string, string>[] = [{ 'X-API-Key': key }];
      // as a Bearer token too, where it has that form (a space would make it another header)
      if (key.startsWith('cpa_') && !key.includes(' ')) forms.push({ Authorization: `Bearer ${key}` });
      for (const headers of forms) {
        const response = await me(app, headers);
        expect(response.status, `${JSON.stringify(headers)}`).toBe(401);
        await expectError(response, 401, NOT_VALID);
      }
    }
    // the valid key of the same user still works: each key ends on its own
    expect((await me(app, { 'X-API-Key': valid })).status).toBe(200);
  });

  it('keys are throttled per key in their own scope (THROTTLE_APIKEY, 5000/hour unless set), apart from their owner', async () => {
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: app.config.databaseUrl }).throttle.apikey).toBe('5000/hour');
    const limited = await startTestApp({ env: { THROTTLE_APIKEY: '2/minute', THROTTLE_USER: '100/minute' } });
    try {
      await createUser(limited, 'erin');
      const [first, second] = [await keyFor(limited, 'erin'), await keyFor(limited, 'erin')];
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await me(limited, { 'X-API-Key': first }));
      expect(answers.map((response) => response.status)).toEqual([200, 200, 429]);
      expect(answers[1]!.headers.get('ratelimit-limit')).toBe('2');
      await expectError(answers[2]!, 429);
      // another key of the same owner, and the owner's own token, have their own counts
      expect((await me(limited, { 'X-API-Key': second })).status).toBe(200);
      const token = (await login(limited, 'erin')).access;
      expect((await me(limited, { Authorization: `Bearer ${token}` })).headers.get('ratelimit-limit')).toBe('100');
    } finally {
      await limited.close();
    }
  });

  it('a refused key counts in the anonymous scope of its address: guessing keys is throttled', async () => {
    const limited = await startTestApp({ env: { THROTTLE_ANON: '2/minute' } });
    try {
      const guess = () => me(limited, { 'X-API-Key': `cpa_guess123_${'x'.repeat(43)}` });
      expect([(await guess()).status, (await guess()).status, (await guess()).status]).toEqual([401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('its last use is written at most once a minute, not on every request', async () => {
    await createUser(app, 'frank');
    const key = await keyFor(app, 'frank');
    expect((await rowOf(app, key)).lastUsedAt).toBeNull();
    await me(app, { 'X-API-Key': key });
    const first = (await rowOf(app, key)).lastUsedAt!;
    expect(Math.abs(first.getTime() - Date.now())).toBeLessThan(10_000);
    await me(app, { 'X-API-Key': key });
    expect((await rowOf(app, key)).lastUsedAt).toEqual(first);
    // a minute later (moved back in the database), the next request writes it again
    const aMinuteAgo = new Date(first.getTime() - 61_000);
    await updateCount(app.database.db, apiKeys, { lastUsedAt: aMinuteAgo }, eq(apiKeys.prefix, key.slice(4, 12)));
    await me(app, { 'X-API-Key': key });
    expect((await rowOf(app, key)).lastUsedAt!.getTime()).toBeGreaterThan(aMinuteAgo.getTime() + 30_000);
  });

  it('apikey:list shows prefixes, names, owners and state, never a key; --username narrows it', async () => {
    await createUser(app, 'gina');
    const key = await keyFor(app, 'gina');
    const all = await command(app, 'list');
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^PREFIX\s+NAME\s+USER\s+CREATED\s+EXPIRES\s+LAST USED\s+STATE$/);
    expect(all.stdout).toContain(key.slice(4, 12));
    expect(all.stdout).not.toContain(key.slice(13));
    expect(all.stdout).toMatch(/revoked \d{4}-/);
    const mine = await command(app, 'list', '--username', 'gina');
    expect(mine.stdout.trim().split('\n')).toHaveLength(2);
    expect(mine.stdout).toMatch(new RegExp(`^${key.slice(4, 12)}\\s+test\\s+gina\\s.*\\sactive$`, 'm'));
  });

  it.each([
    ['an unknown user', 1, ['create', '--username', 'nobody', '--name', 'ci'], /^error: no user named "nobody"; a key acts as a user/],
    ['no --name', 2, ['create', '--username', 'alice'], /^error: --name is required\. Usage: npm run apikey:create/],
    [
      'a bad --expires',
      2,
      ['create', '--username', 'alice', '--name', 'x', '--expires', 'soon'],
      /^error: --expires "soon" is not a duration such as 90d/,
    ],
    ['a flag of another action', 2, ['list', '--prefix', 'abc'], /^error: --prefix is not an option of apikey:list\./],
    [
      'an unknown prefix',
      1,
      ['revoke', '--prefix', 'nope1234'],
      /^error: no API key with prefix "nope1234"; npm run apikey:list shows them\.\n$/,
    ],
  ])('apikey with %s: one line, exit %i, nothing made', async (_name, code, [action, ...args], message) => {
    const before = (await new ApiKeyRepository(app.database.db).list()).length;
    const result = await command(app, action as 'create' | 'list' | 'revoke', ...args);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect((await new ApiKeyRepository(app.database.db).list()).length).toBe(before);
  });

  it('the OpenAPI documents offer a key as a second way to call what needs a user', async () => {
    const document = (await (await app.request('/api/v1/openapi.json')).json()) as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security: unknown[]; description: string }>>;
    };
    expect(document.components.securitySchemes.apiKeyAuth).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'X-API-Key',
      description: 'An API key from npm run apikey:create',
    });
    const meOperation = document.paths['/api/v1/me']!.get!;
    expect(meOperation.security).toContainEqual({ bearerAuth: [] });
    expect(meOperation.security).toContainEqual({ apiKeyAuth: [] });
    expect(meOperation.description).toContain('or an API key (`X-API-Key: cpa_...`)');
  });
});
