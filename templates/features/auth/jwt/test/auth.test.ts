import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefreshTokenRepository } from '../src/auth/repository.js';
import { loadConfig, ConfigError } from '../src/config.js';
import { hashPassword, verifyPassword } from '../src/core/auth/passwords.js';
import { envelope, startTestApp, type TestApp } from './support/app.js';
import { createUser, login, PASSWORD } from './support/auth.js';
import { REQUIRED_ENV } from './support/database.js';

const SECRET = 'test-secret-that-is-at-least-32-bytes-long';
const INVALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };

const sign = (claims: Record<string, unknown>, options: { secret?: string; exp?: number } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
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

  it('no credentials on a protected route: 401', async () => {
    const response = await app.request('/api/v1/me');
    expect(response.status).toBe(401);
    expect(await envelope(response)).toEqual({
      status: 'error',
      code: 401,
      errors: { detail: 'Authentication credentials were not provided.' },
    });
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
    ];
    it.each(cases)('%s: 401 token_not_valid', async (_name, make) => {
      const response = await me(await make());
      expect(response.status).toBe(401);
      expect((await envelope(response)).errors).toEqual(INVALID);
    });
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

describe('login throttling (login scope: 2/minute)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { JWT_SECRET: SECRET, THROTTLE_LOGIN: '2/minute' } });
  });
  afterAll(() => app.close());

  it('throttles password guessing per client', async () => {
    const guess = () => app.request('/api/token', { method: 'POST', body: { username: 'alice', password: 'guess' } });
    expect((await guess()).status).toBe(401);
    expect((await guess()).status).toBe(401);
    const third = await guess();
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).not.toBeNull();
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
  it('stores a memory-hard hash, never the password', async () => {
    const hash = await hashPassword('s3cret-pass');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('s3cret-pass');
    expect(await verifyPassword('s3cret-pass', hash)).toBe(true);
    expect(await verifyPassword('s3cret-pasS', hash)).toBe(false);
  });

  it('production refuses to start without a JWT_SECRET of at least 32 bytes', () => {
    const production = { ...REQUIRED_ENV, NODE_ENV: 'production' };
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
