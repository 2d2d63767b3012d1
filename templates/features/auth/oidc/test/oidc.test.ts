import { createSign, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { exportSPKI, generateKeyPair, importJWK, SignJWT, type CryptoKey } from 'jose';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '../src/auth/tables.js';
import { loadConfig } from '../src/config.js';
import { rolesAt } from '../src/core/auth/oidc.js';
import { updateCount } from '../src/db/ops.js';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { REQUIRED_ENV } from './support/database.js';
import { probeRegistry } from './support/probe.js';
import { startProvider, testProvider, type TestProvider } from './support/provider.js';

const NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };

/** Contract §4.1: the API as a resource server of an OpenID provider, which the tests start themselves. */
describe('OpenID Connect', () => {
  let provider: TestProvider;
  let app: TestApp;
  let probes: TestApp;
  beforeAll(async () => {
    provider = await testProvider();
    app = await startTestApp();
    probes = await startTestApp({ registry: probeRegistry() });
  });
  afterAll(async () => {
    await app.close();
    await probes.close();
  });

  const me = (on: TestApp, token: string) => on.request('/api/v1/me', { token });
  /** a route whose access rule is `staff` */
  const staffOnly = (on: TestApp, token: string) => on.request('/api/v1/probe/staff', { token });

  it("a provider's token is a caller: a row on first sight, the same one after; /me names preferred_username", async () => {
    const defaults = await startTestApp();
    try {
      const token = await provider.sign({ sub: 'auth0|abc123', preferred_username: 'alice' });
      const first = await me(defaults, token);
      expect(first.status).toBe(200);
      const body = (await first.json()) as { id: number; username: string };
      expect(body.username).toBe('alice');
      expect(await (await me(defaults, token)).json()).toEqual(body);
      const rows = await defaults.database.db.select().from(users).where(eq(users.subject, 'auth0|abc123'));
      expect(rows).toMatchObject([{ id: body.id, issuer: provider.issuer, subject: 'auth0|abc123', username: 'alice' }]);
      // without preferred_username, the subject; another subject, another row
      const other = await me(defaults, await provider.sign({ sub: 'auth0|xyz' }));
      expect(await other.json()).toEqual({ id: expect.any(Number), username: 'auth0|xyz' });
    } finally {
      await defaults.close();
    }
  });

  it('refuses every token §4.1 refuses, with the one 401 token_not_valid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const publicPem = await exportSPKI((await importJWK(provider.publicJwk(), 'RS256')) as CryptoKey);
    const cases: [string, Promise<string> | string][] = [
      ['another audience', provider.sign({ sub: 'u1' }, { audience: 'another-api' })],
      ['another issuer', provider.sign({ sub: 'u1' }, { issuer: 'https://evil.example.com' })],
      ['expired', provider.sign({ sub: 'u1' }, { expiresIn: -120 })],
      ['not yet valid (nbf)', provider.sign({ sub: 'u1' }, { notBefore: 300 })],
      ['issued in the future (iat)', provider.sign({ sub: 'u1' }, { issuedAt: 300, expiresIn: 600 })],
      ['an iat that is not a number', provider.sign({ sub: 'u1', iat: String(now) as unknown as number })],
      // the provider's own signature, but made for no API in particular (Keycloak leaves aud out without a mapper)
      ['no aud', provider.sign({ sub: 'u1' }, { omit: ['aud'] })],
      ['no iss', provider.sign({ sub: 'u1' }, { omit: ['iss'] })],
      [
        'signed by a key the provider does not publish',
        new SignJWT({ sub: 'u1' })
          .setProtectedHeader({ alg: 'RS256', kid: provider.publicJwk().kid! })
          .setIssuer(provider.issuer)
          .setAudience(provider.audience)
          .setExpirationTime(now + 300)
          .sign(privateKey),
      ],
      [
        'HS256 with the public key as the secret',
        new SignJWT({ sub: 'u1' })
          .setProtectedHeader({ alg: 'HS256', kid: provider.publicJwk().kid! })
          .setIssuer(provider.issuer)
          .setAudience(provider.audience)
          .setExpirationTime(now + 300)
          .sign(new TextEncoder().encode(publicPem)),
      ],
      [
        'alg none',
        `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u1', iss: provider.issuer, aud: provider.audience, exp: now + 300 })).toString('base64url')}.`,
      ],
      ['no sub', provider.sign({})],
      ['garbage', 'not.a.token'],
    ];
    for (const [name, pending] of cases) {
      const response = await me(app, await pending);
      expect(response.status, name).toBe(401);
      await expectError(response, 401, NOT_VALID);
    }
    // within the 30 s of leeway, a token that just expired still passes
    expect((await me(app, await provider.sign({ sub: 'u1' }, { expiresIn: -10 }))).status).toBe(200);
  });

  it('a key set RSA key under 2048 bits, or one published with its private part, verifies nothing', async () => {
    const { publicKey: weakPublic, privateKey: weakPrivate } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { privateKey: leaked } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys = [
      { ...weakPublic.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256', use: 'sig' },
      { ...leaked.export({ format: 'jwk' }), kid: 'leaked', alg: 'RS256', use: 'sig' },
    ];
    const server = createServer((request, response) => {
      const body = request.url === '/jwks' ? { keys } : { issuer, jwks_uri: `${issuer}/jwks` };
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const weakApp = await startTestApp({ env: { OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'test-api' } });
    try {
      for (const [kid, key] of [
        ['weak', weakPrivate],
        ['leaked', leaked],
      ] as const) {
        // signed by hand: jose will not sign with a key under 2048 bits
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const input = `${part({ alg: 'RS256', kid })}.${part({ sub: 'u1', iss: issuer, aud: 'test-api', exp: Math.floor(Date.now() / 1000) + 300 })}`;
        const token = `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
        const response = await me(weakApp, token);
        expect(response.status, kid).toBe(401);
        await expectError(response, 401, NOT_VALID);
      }
    } finally {
      await weakApp.close();
      server.close();
    }
  });

  it("PS256, ES256 and EdDSA keys verify as RS256 ones do; a key of another type than the token's alg never does", async () => {
    for (const alg of ['PS256', 'ES256', 'EdDSA'] as const) {
      const own = await startProvider('test-api', alg);
      const other = await startTestApp({ env: { OIDC_ISSUER: own.issuer, OIDC_AUDIENCE: own.audience } });
      try {
        expect((await me(other, await own.sign({ sub: `${alg}-user` }))).status, alg).toBe(200);
        expect((await me(other, await own.sign({ sub: `${alg}-user` }, { audience: 'another-api' }))).status, alg).toBe(401);
        // the provider's key under its kid, but the header claims RS256 (or ES256 for the RSA key of PS256)
        const [, payload, signature] = (await own.sign({ sub: `${alg}-user` })).split('.');
        const header = Buffer.from(JSON.stringify({ alg: alg === 'PS256' ? 'ES256' : 'RS256', kid: own.publicJwk().kid })).toString(
          'base64url',
        );
        const response = await me(other, `${header}.${payload}.${signature}`);
        expect(response.status, alg).toBe(401);
        await expectError(response, 401, NOT_VALID);
      } finally {
        await other.close();
        await own.close();
      }
    }
  });

  it('staff by the roles claim on every request, never by the row; OIDC_ROLES_CLAIM reads a nested path', async () => {
    const plain = await provider.sign({ sub: 'staffer', roles: [] });
    const staff = await provider.sign({ sub: 'staffer', roles: ['staff', 'other'] });
    expect((await staffOnly(probes, plain)).status).toBe(403);
    expect(await (await staffOnly(probes, staff)).json()).toEqual({ staff: true });
    expect((await staffOnly(probes, plain)).status).toBe(403);

    // Keycloak's realm roles, under another staff role name
    const keycloak = await startTestApp({
      registry: probeRegistry(),
      env: { OIDC_ROLES_CLAIM: 'realm_access.roles', OIDC_STAFF_ROLE: 'api-admin' },
    });
    try {
      expect((await staffOnly(keycloak, await provider.sign({ sub: 'kc', realm_access: { roles: ['api-admin'] } }))).status).toBe(200);
      expect((await staffOnly(keycloak, await provider.sign({ sub: 'kc', roles: ['api-admin'] }))).status).toBe(403);
    } finally {
      await keycloak.close();
    }
    // Auth0's permissions; a space-separated scope string counts as a list
    expect(rolesAt({ permissions: ['read:x', 'staff'] }, 'permissions')).toEqual(['read:x', 'staff']);
    expect(rolesAt({ scope: 'openid staff' }, 'scope')).toEqual(['openid', 'staff']);
    expect(rolesAt({ a: { b: 'x' } }, 'a.c')).toEqual([]);
  });

  it('a token that passed is remembered, but never past its exp (with the leeway)', async () => {
    const token = await provider.sign({ sub: 'short-lived' }, { expiresIn: 5 });
    expect((await me(app, token)).status).toBe(200);
    expect((await me(app, token)).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 40_000);
      const late = await me(app, token);
      await expectError(late, 401, NOT_VALID);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a user shut out here is refused whatever the provider says', async () => {
    const token = await provider.sign({ sub: 'leaver' });
    expect((await me(app, token)).status).toBe(200);
    await updateCount(app.database.db, users, { isActive: false }, eq(users.subject, 'leaver'));
    const refused = await me(app, token);
    await expectError(refused, 401, expect.objectContaining({ code: 'user_inactive' }));
  });

  it('keys rotate without a restart; an unknown kid fetches the key set at most once per 30 s; a known key needs no provider', async () => {
    const own = await startProvider();
    const rotating = await startTestApp({ env: { OIDC_ISSUER: own.issuer, OIDC_AUDIENCE: own.audience } });
    try {
      expect((await me(rotating, await own.sign({ sub: 'r' }))).status).toBe(200);
      const fetched = own.fetches;
      await own.rotate();
      // within 30 s of the last fetch (the one at start), even a real new kid waits: at most one fetch per 30 s
      expect((await me(rotating, await own.sign({ sub: 'r' }))).status).toBe(401);
      expect(own.fetches).toBe(fetched);
      // 31 s on (only Date moves; tokens are signed on the same clock), the new kid: one fetch, and it passes
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 31_000);
      expect((await me(rotating, await own.sign({ sub: 'r' }))).status).toBe(200);
      expect(own.fetches).toBe(fetched + 1);
      // forged kids within the cooldown: refused, and no more fetches
      for (let i = 0; i < 5; i++) expect((await me(rotating, await own.sign({ sub: 'r' }, { kid: `forged-${i}` }))).status).toBe(401);
      expect(own.fetches).toBe(fetched + 1);
      // the provider down: a known key still works, an unknown one is refused at once
      own.down = true;
      expect((await me(rotating, await own.sign({ sub: 'r' }))).status).toBe(200);
      expect((await me(rotating, await own.sign({ sub: 'r' }, { kid: 'unknown' }))).status).toBe(401);
    } finally {
      vi.useRealTimers();
      await rotating.close();
      await own.close();
    }
  });

  it('/health/ready is 503 until the key set was fetched once', async () => {
    const own = await startProvider();
    own.down = true;
    const waiting = await startTestApp({ env: { OIDC_ISSUER: own.issuer, OIDC_AUDIENCE: own.audience } });
    try {
      const ready = await waiting.request('/health/ready');
      expect(ready.status).toBe(503);
      expect(await envelope(ready)).toMatchObject({ errors: { detail: expect.stringContaining('identity provider is unavailable') } });
      own.down = false;
      let status = 503;
      // the app tries again every 5 s until the first fetch works
      for (let i = 0; i < 40 && status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = (await waiting.request('/health/ready')).status;
      }
      expect(status).toBe(200);
    } finally {
      await waiting.close();
      await own.close();
    }
  }, 20_000);

  it('issues no tokens: /api/token* are 404 and absent from OpenAPI, which names the provider', async () => {
    for (const path of ['/api/token', '/api/token/refresh', '/api/token/blacklist']) {
      expect((await app.request(path, { method: 'POST', body: {} })).status).toBe(404);
    }
    const defaults = await startTestApp();
    try {
      const document = (await (await defaults.request('/api/v1/openapi.json')).json()) as {
        paths: Record<string, unknown>;
        components: { securitySchemes: Record<string, { type: string; openIdConnectUrl?: string }> };
      };
      expect(Object.keys(document.paths).filter((path) => path.startsWith('/api/token'))).toEqual([]);
      expect(document.components.securitySchemes.oidc).toMatchObject({
        type: 'openIdConnect',
        openIdConnectUrl: `${provider.issuer}/.well-known/openid-configuration`,
      });
    } finally {
      await defaults.close();
    }
  });

  it('production refuses to start without the issuer and the audience', () => {
    expect(() => loadConfig({ ...REQUIRED_ENV, NODE_ENV: 'production', PUBLIC_URL: 'https://api.example.com' }, { serving: true })).toThrow(
      /OIDC_ISSUER: required in production[\s\S]*OIDC_AUDIENCE: required in production/,
    );
    // a command (db:migrate) reads no token: it needs neither
    expect(() => loadConfig({ ...REQUIRED_ENV, NODE_ENV: 'production' })).not.toThrow();
  });
});
