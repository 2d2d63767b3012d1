import { hash, verify } from '@node-rs/argon2';
import { generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RefreshTokenRepository, UserRepository } from '../src/auth/repository.js';
import { loadConfig, ConfigError } from '../src/config.js';
import { checkPassword, hashPassword, passwordProblems, verifyPassword } from '../src/core/auth/passwords.js';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { createUser, login, PASSWORD } from './support/auth.js';
import { REQUIRED_ENV } from './support/database.js';

// the real argon2 verify, counted: which hashes a login checks is asserted, never how long it takes
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, verify: vi.fn(actual.verify) };
});

const SECRET = 'test-secret-that-is-at-least-32-bytes-long';
const INVALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };

const sign = (claims: Record<string, unknown>, options: { secret?: string; exp?: number; iat?: number } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(options.secret ?? SECRET));

describe('JWT auth', () => {
  let app: TestApp;
  let alice: { id: number; username: string };
  beforeAll(async () => {
    app = await startTestApp({ env: { JWT_SECRET: SECRET } });
    alice = await createUser(app, 'alice');
    await createUser(app, 'bob');
  });
  afterAll(() => app.close());

  const refresh = (token: string) => app.request('/api/token/refresh', { method: 'POST', body: { refresh: token } });
  const me = (token: string) => app.request('/api/v1/me', { token });

  it('obtains a pair and reads /me with the access token', async () => {
    const tokens = await login(app, 'alice');
    const response = await me(tokens.access);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: alice.id, username: 'alice' });
  });

  it('a wrong password or unknown user gets the same 401', async () => {
    for (const body of [
      { username: 'alice', password: 'nope' },
      { username: 'nobody', password: PASSWORD },
    ]) {
      const response = await app.request('/api/token', { method: 'POST', body });
      expect(response.status).toBe(401);
      expect((await envelope(response)).errors).toMatchObject({ detail: 'No active account found with the given credentials' });
    }
  });

  it('a NUL character in the username or password is a 400 on that field, anonymously, never a 500', async () => {
    const response = await app.request('/api/token', { method: 'POST', body: { username: 'al\u0000ice', password: `${PASSWORD}\u0000` } });
    expect(response.status).toBe(400);
    expect((await envelope(response)).errors).toEqual({
      username: ['Null characters are not allowed.'],
      password: ['Null characters are not allowed.'],
    });
  });

  it('no credentials on a protected route: 401', async () => {
    const response = await app.request('/api/v1/me');
    await expectError(response, 401, { detail: 'Authentication credentials were not provided.' });
  });

  it('refresh rotates: a new refresh token, and the old one is blacklisted', async () => {
    const first = await login(app, 'alice');
    const response = await refresh(first.refresh);
    expect(response.status).toBe(200);
    const second = (await response.json()) as { access: string; refresh: string };
    expect(second.refresh).not.toBe(first.refresh);
    expect((await me(second.access)).status).toBe(200);
  });

  it('reusing a rotated refresh token revokes its whole family (JWT_REUSE_GRACE=0s)', async () => {
    const strict = await startTestApp({ env: { JWT_SECRET: SECRET, JWT_REUSE_GRACE: '0s' } });
    await createUser(strict, 'alice');
    const refresh = (token: string) => strict.request('/api/token/refresh', { method: 'POST', body: { refresh: token } });
    const first = await login(strict, 'alice');
    const second = (await (await refresh(first.refresh)).json()) as { refresh: string };
    const reuse = await refresh(first.refresh);
    expect(reuse.status).toBe(401);
    expect((await envelope(reuse)).errors).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    // the thief's successor token dies with it
    const successor = await refresh(second.refresh);
    expect(successor.status).toBe(401);
    expect((await envelope(successor)).errors).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    // another login of the same user is another family, untouched
    const other = await login(strict, 'alice');
    expect((await refresh(other.refresh)).status).toBe(200);
    await strict.close();
  });

  it('a rotated token sent again within the grace period is refused, and the winner lives on', async () => {
    const first = await login(app, 'alice');
    const second = (await (await refresh(first.refresh)).json()) as { refresh: string };
    const again = await refresh(first.refresh);
    expect(again.status).toBe(401);
    expect((await envelope(again)).errors).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    expect((await refresh(second.refresh)).status).toBe(200);
  });

  it('10 concurrent refreshes of one token: exactly one succeeds', async () => {
    const { refresh: token } = await login(app, 'alice');
    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(token)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(9);
    // the one that won holds a working session: the losers were a double send, not a theft
    const winner = (await responses.find((response) => response.status === 200)!.json()) as { refresh: string };
    expect((await refresh(winner.refresh)).status).toBe(200);
  });

  it('a stale Bearer header does not block logging in or refreshing', async () => {
    const stale = await sign({ sub: String(alice.id), jti: 'x', token_type: 'access' }, { exp: Math.floor(Date.now() / 1000) - 10 });
    const tokens = await login(app, 'alice');
    const headers = { Authorization: `Bearer ${stale}` };
    const obtain = await app.request('/api/token', { method: 'POST', body: { username: 'alice', password: PASSWORD }, headers });
    expect(obtain.status).toBe(200);
    const refreshed = await app.request('/api/token/refresh', { method: 'POST', body: { refresh: tokens.refresh }, headers });
    expect(refreshed.status).toBe(200);
    expect((await app.request('/health/live', { headers })).status).toBe(200);
  });

  it('a malformed Authorization header is bad_authorization_header', async () => {
    const response = await app.request('/api/v1/me', { headers: { Authorization: 'Bearer a b' } });
    expect(response.status).toBe(401);
    expect((await envelope(response)).errors).toMatchObject({ code: 'bad_authorization_header' });
  });

  it('logout blacklists the refresh token', async () => {
    const tokens = await login(app, 'alice');
    const logout = await app.request('/api/token/blacklist', { method: 'POST', body: { refresh: tokens.refresh } });
    expect(logout.status).toBe(200);
    expect(await logout.json()).toEqual({});
    const after = await refresh(tokens.refresh);
    expect(after.status).toBe(401);
    expect((await envelope(after)).errors).toEqual({ detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  it('a missing refresh field is a field error', async () => {
    const response = await app.request('/api/token/refresh', { method: 'POST', body: {} });
    expect(response.status).toBe(400);
    expect((await envelope(response)).errors).toEqual({ refresh: ['This field is required.'] });
  });

  describe('rejected access tokens', () => {
    const cases: [string, () => Promise<string>][] = [
      [
        'alg none',
        async () => {
          const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
          const now = Math.floor(Date.now() / 1000);
          return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: String(alice.id), jti: 'x', token_type: 'access', iat: now, exp: now + 600 })}.`;
        },
      ],
      [
        'a bad signature',
        () => sign({ sub: String(alice.id), jti: 'x', token_type: 'access' }, { secret: 'another-secret-another-secret-another-secret' }),
      ],
      [
        'a tampered payload',
        async () => {
          const [header, payload, signature] = (await login(app, 'bob')).access.split('.');
          const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
          return `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: String(alice.id) })).toString('base64url')}.${signature}`;
        },
      ],
      [
        'an expired token',
        () => sign({ sub: String(alice.id), jti: 'x', token_type: 'access' }, { exp: Math.floor(Date.now() / 1000) - 10 }),
      ],
      ['a refresh token used as access', async () => (await login(app, 'alice')).refresh],
      ['garbage', async () => 'not.a.jwt'],
      // signed with the right key, but `sub` is not the id's one canonical spelling (each would read as the id)
      ...[
        (id: number) => `0x${id.toString(16)}`,
        (id: number) => ` ${id} `,
        (id: number) => `${id}.0`,
        (id: number) => `0${id}`,
        (id: number) => `+${id}`,
        (id: number) => `${id}e0`,
      ].map((spell): [string, () => Promise<string>] => [
        `sub ${JSON.stringify(spell(1))}`,
        () => sign({ sub: spell(alice.id), jti: 'x', token_type: 'access' }),
      ]),
      [
        'an iat a year in the future',
        () => sign({ sub: String(alice.id), jti: 'x', token_type: 'access' }, { iat: Math.floor(Date.now() / 1000) + 365 * 86400 }),
      ],
      [
        'an iat 60 s in the future (beyond the 30 s leeway)',
        () => sign({ sub: String(alice.id), jti: 'x', token_type: 'access' }, { iat: Math.floor(Date.now() / 1000) + 60 }),
      ],
    ];
    it.each(cases)('%s: 401 token_not_valid', async (_name, make) => {
      const response = await me(await make());
      expect(response.status).toBe(401);
      expect((await envelope(response)).errors).toEqual(INVALID);
    });
  });

  it('a token from a clock up to 30 s ahead is still accepted, and a canonical sub reads the user', async () => {
    const token = await sign({ sub: String(alice.id), jti: 'x', token_type: 'access' }, { iat: Math.floor(Date.now() / 1000) + 20 });
    expect(await (await me(token)).json()).toEqual({ id: alice.id, username: 'alice' });
  });

  it('token answers are never cached: no-store on success and on failure', async () => {
    const answers = [
      await app.request('/api/token', { method: 'POST', body: { username: 'alice', password: PASSWORD } }),
      await app.request('/api/token', { method: 'POST', body: { username: 'alice', password: 'wrong-password' } }),
      await refresh((await login(app, 'alice')).refresh),
      await refresh('not-a-token'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 200, 401]);
    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('pragma')).toBe('no-cache');
    }
  });

  it('an access token used as a refresh token is refused', async () => {
    const response = await refresh((await login(app, 'alice')).access);
    expect(response.status).toBe(401);
    expect((await envelope(response)).errors).toEqual({ detail: 'Token is invalid or expired', code: 'token_not_valid' });
  });

  it('expired refresh-token rows can be flushed', async () => {
    const repository = new RefreshTokenRepository(app.database.db);
    await repository.record({ jti: 'expired-one', userId: alice.id, family: 'f', expiresAt: new Date(Date.now() - 1000) });
    expect(await repository.flushExpired()).toBeGreaterThanOrEqual(1);
    expect(await repository.find('expired-one')).toBeUndefined();
  });
});

describe('login throttling (login scope: 2/minute per address)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { JWT_SECRET: SECRET, THROTTLE_LOGIN: '2/minute' } });
    await createUser(app, 'alice');
  });
  afterAll(() => app.close());

  it('throttles password guessing per client; a throttled login never blocks a refresh', async () => {
    const tokens = await login(app, 'alice');
    const guess = () => app.request('/api/token', { method: 'POST', body: { username: 'alice', password: 'guess' } });
    expect((await guess()).status).toBe(401);
    const throttled = await guess();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).not.toBeNull();
    expect(throttled.headers.get('cache-control')).toBe('no-store');
    // the refresh endpoint has a scope of its own (THROTTLE_REFRESH)
    const refreshed = await app.request('/api/token/refresh', { method: 'POST', body: { refresh: tokens.refresh } });
    expect(refreshed.status).toBe(200);
  });
});

describe('login throttling per username (login_user scope: 3/minute), from many addresses', () => {
  let app: TestApp;
  beforeAll(async () => {
    // one trusted proxy hop, so each request may come from another client address, as from a botnet
    app = await startTestApp({ env: { JWT_SECRET: SECRET, THROTTLE_LOGIN_USER: '3/minute', TRUST_PROXY: '1' } });
    await createUser(app, 'alice');
    await createUser(app, 'bob');
  });
  afterAll(() => app.close());

  const attempt = (username: string, password: string, address: string) =>
    app.request('/api/token', { method: 'POST', body: { username, password }, headers: { 'X-Forwarded-For': address } });

  it("a botnet's guesses at one account meet the per-username limit; other accounts are untouched", async () => {
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      expect((await attempt('alice', 'guess', address)).status).toBe(401);
    }
    const fourth = await attempt('alice', 'guess', '198.51.100.4');
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await attempt('bob', PASSWORD, '198.51.100.4')).status).toBe(200);
  });
});

describe('failed credentials are counted (anon scope: 3/minute)', () => {
  it.each([
    ['garbage', 'Bearer garbage'],
    ['an expired token', 'expired'],
    ['a malformed header', 'Bearer a b'],
  ])('%s: 401 until the address has spent its anon quota, then 429', async (_name, header) => {
    const fresh = await startTestApp({ env: { JWT_SECRET: SECRET, THROTTLE_ANON: '3/minute' } });
    const authorization =
      header === 'expired'
        ? `Bearer ${await sign({ sub: '1', jti: 'x', token_type: 'access' }, { exp: Math.floor(Date.now() / 1000) - 10 })}`
        : header;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await fresh.request('/api/v1/me', { headers: { Authorization: authorization } })).status);
    }
    // and the address's plain anonymous requests share that quota
    statuses.push((await fresh.request('/api/v1/me')).status);
    await fresh.close();
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
  });
});

describe('cookies for browser clients (AUTH_COOKIES=true)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { JWT_SECRET: SECRET, AUTH_COOKIES: 'true' } });
    await createUser(app, 'carol');
  });
  afterAll(() => app.close());

  it('sets HttpOnly Secure SameSite=Strict cookies and refreshes from the cookie', async () => {
    const response = await app.request('/api/token', { method: 'POST', body: { username: 'carol', password: PASSWORD } });
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    for (const cookie of cookies) expect(cookie).toMatch(/HttpOnly; Secure; SameSite=Strict/);
    const refreshCookie = cookies.find((cookie) => cookie.startsWith('refresh_token='))!.split(';')[0]!;
    const refreshed = await app.request('/api/token/refresh', { method: 'POST', body: {}, headers: { Cookie: refreshCookie } });
    expect(refreshed.status).toBe(200);
    const accessCookie = refreshed.headers
      .getSetCookie()
      .find((cookie) => cookie.startsWith('access_token='))!
      .split(';')[0]!;
    expect((await app.request('/api/v1/me', { headers: { Cookie: accessCookie } })).status).toBe(200);
  });
});

describe.each(['EdDSA', 'RS256'] as const)('asymmetric keys (JWT_ALGORITHM=%s)', (algorithm) => {
  let app: TestApp;
  let publicPem: string;
  let privateKeyObject: KeyObject;
  let folder: string;
  beforeAll(async () => {
    const { privateKey, publicKey } =
      algorithm === 'EdDSA' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKeyObject = privateKey;
    publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    folder = mkdtempSync(join(tmpdir(), 'jwt-keys-'));
    writeFileSync(join(folder, 'private.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(folder, 'public.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    app = await startTestApp({
      env: { JWT_ALGORITHM: algorithm, JWT_PRIVATE_KEY_FILE: join(folder, 'private.pem'), JWT_PUBLIC_KEY_FILE: join(folder, 'public.pem') },
    });
    await createUser(app, 'dave');
  });
  afterAll(async () => {
    await app.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('signs with the private key and verifies with the public one', async () => {
    const tokens = await login(app, 'dave');
    expect(JSON.parse(Buffer.from(tokens.access.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: algorithm });
    expect((await app.request('/api/v1/me', { token: tokens.access })).status).toBe(200);
  });

  it('refuses an HS256 token signed with the public key as its secret (algorithm confusion)', async () => {
    const token = await sign({ sub: '1', jti: 'x', token_type: 'access' }, { secret: publicPem });
    const response = await app.request('/api/v1/me', { token });
    expect(response.status).toBe(401);
    expect((await envelope(response)).errors).toEqual(INVALID);
  });

  it('refuses a token from the right key under another algorithm', async () => {
    const other = algorithm === 'EdDSA' ? 'Ed25519' : 'RS512';
    const token = await new SignJWT({ sub: '1', jti: 'x', token_type: 'access' })
      .setProtectedHeader({ alg: other })
      .setExpirationTime('10m')
      .sign(privateKeyObject);
    const response = await app.request('/api/v1/me', { token });
    expect(response.status).toBe(401);
    expect((await envelope(response)).errors).toEqual(INVALID);
  });
});

describe('passwords and secrets', () => {
  it("stores an argon2id hash at OWASP's minimum (19 MiB, t=2, p=1), never the password", async () => {
    const hash = await hashPassword('s3cret-pass');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', hash)).toBe(true);
    expect(await verifyPassword('s3cret-pasS', hash)).toBe(false);
    expect(await checkPassword('s3cret-pass', hash)).toEqual({ ok: true, needsRehash: false });
  });

  it('a scrypt hash from before still verifies, and is replaced by argon2id at the next successful login', async () => {
    const app = await startTestApp({ env: { JWT_SECRET: SECRET } });
    const salt = randomBytes(16);
    const key = scryptSync(PASSWORD, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    const legacy = ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    const users = new UserRepository(app.database.db);
    const { id } = await users.create('legacy', legacy);
    const wrong = await app.request('/api/token', { method: 'POST', body: { username: 'legacy', password: 'not-it-at-all' } });
    expect(wrong.status).toBe(401);
    expect((await users.findById(id))!.passwordHash).toBe(legacy);
    await login(app, 'legacy');
    const upgraded = (await users.findById(id))!.passwordHash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await login(app, 'legacy');
    // a weaker argon2 hash is upgraded the same way
    await users.setPasswordHash(id, await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 }));
    await login(app, 'legacy');
    expect((await users.findById(id))!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await app.close();
  });

  it('an unknown username checks a real argon2id hash of the same cost, as a wrong password does', async () => {
    const app = await startTestApp({ env: { JWT_SECRET: SECRET } });
    await createUser(app, 'erin');
    const checked = async (username: string): Promise<string[]> => {
      vi.mocked(verify).mockClear();
      const response = await app.request('/api/token', { method: 'POST', body: { username, password: 'wrong-password' } });
      expect(response.status).toBe(401);
      return vi.mocked(verify).mock.calls.map(([stored]) => String(stored));
    };
    const [wrong, unknown] = [await checked('erin'), await checked('nobody')];
    await app.close();
    // one check each, of hashes with the same parameters: the same work, so the answer time tells nothing
    const parameters = (stored: string) => /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/.exec(stored)?.[0];
    expect(wrong).toHaveLength(1);
    expect(unknown).toHaveLength(1);
    expect(parameters(unknown[0]!)).toBe('$argon2id$v=19$m=19456,t=2,p=1$');
    expect(parameters(unknown[0]!)).toBe(parameters(wrong[0]!));
    expect(unknown[0]).not.toBe(wrong[0]);
  });

  it('judges a new password as Django does: length, digits only, the username, the commonest', () => {
    expect(passwordProblems('correct horse battery', 'alice')).toEqual([]);
    expect(passwordProblems('short', 'alice')).toEqual(['use at least 8 characters']);
    expect(passwordProblems('12345678901', 'alice')).toEqual(['use more than digits']);
    expect(passwordProblems('alice-in-chains', 'Alice')).toEqual(['do not base it on the username']);
    expect(passwordProblems('Password1', 'alice')).toEqual(['it is one of the most common passwords']);
  });

  it('production refuses to start without a JWT_SECRET of at least 32 bytes', () => {
    const production = { ...REQUIRED_ENV, NODE_ENV: 'production', ALLOWED_HOSTS: 'api.example.com' };
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, JWT_SECRET: 'short' })).toThrow(/at least 32 bytes/);
    expect(loadConfig({ ...production, JWT_SECRET: SECRET }).jwt.secret).toBe(SECRET);
  });

  it('outside production a missing secret is random per process, never a shared constant', () => {
    const first = loadConfig({ ...REQUIRED_ENV }).jwt;
    const second = loadConfig({ ...REQUIRED_ENV }).jwt;
    expect(first.secretIsEphemeral).toBe(true);
    expect(first.secret).not.toBe(second.secret);
    expect(Buffer.byteLength(first.secret)).toBeGreaterThanOrEqual(32);
  });

  it('a key file that is not there is one config line, not a crash at the first login', () => {
    expect(() =>
      loadConfig({
        ...REQUIRED_ENV,
        JWT_ALGORITHM: 'EdDSA',
        JWT_PRIVATE_KEY_FILE: '/nope/private.pem',
        JWT_PUBLIC_KEY_FILE: '/nope/public.pem',
      }),
    ).toThrow(/JWT_PRIVATE_KEY_FILE: no file at \/nope\/private.pem/);
  });
});

describe('the token endpoints in the OpenAPI document', () => {
  it('name their operations and schemas, and require refresh in the body (cookies off)', async () => {
    const app = await startTestApp();
    const document = (await (await app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<
        string,
        { post: { operationId: string; requestBody: { content: { 'application/json': { schema: { $ref: string } } } } } }
      >;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    await app.close();
    expect(document.paths['/api/token']!.post.operationId).toBe('obtainToken');
    expect(document.paths['/api/token/refresh']!.post.operationId).toBe('refreshToken');
    expect(document.paths['/api/token/blacklist']!.post.operationId).toBe('blacklistToken');
    const refresh = document.paths['/api/token/refresh']!.post.requestBody.content['application/json'].schema;
    expect(refresh).toEqual({ $ref: '#/components/schemas/TokenRefreshRequest' });
    expect(document.components.schemas.TokenRefreshRequest!.required).toEqual(['refresh']);
  });
});
