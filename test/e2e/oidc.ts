// An --auth oidc --api-keys project, on the packages the default project installed (the same framework and
// database; fast-jwt, the one package oidc adds, comes from the generator's own devDependencies): its own tests, its migrations against its schema, then the built
// server in production against an identity provider of this test's own, as a user's Keycloak or Auth0 would be.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { normalize } from './corpus.js';
import { generateProject, inProject, startServer, stopServer, type RunningServer } from './support.js';
import { exchange, requestBytes, type WireRequest } from './wire.js';

/** A provider: discovery and one RS256 key over HTTP, tokens signed with node:crypto (no package of the project's). */
export async function identityProvider(
  audience = 'e2e-api',
): Promise<{ issuer: string; sign: (claims: Record<string, unknown>) => string; close: () => void }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const json = (body: unknown) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/.well-known/openid-configuration') return json({ issuer, jwks_uri: `${issuer}/jwks` });
    if (request.url === '/jwks') return json({ keys: [jwk] });
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const sign = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${part({ alg: 'RS256', kid, typ: 'JWT' })}.${part({ iss: issuer, aud: audience, iat: now, exp: now + 300, ...claims })}`;
    return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
  };
  return { issuer, sign, close: () => server.close() };
}

/**
 * An oidc project's node_modules without an install: each package of an installed jwt project of the same
 * framework and database, linked, and fast-jwt (the one package oidc adds) linked from the generator's own
 * devDependencies, which list it for this. Node resolves a linked package's own dependencies from where it lies.
 */
export async function linkPackages(installed: string, project: string): Promise<void> {
  const target = path.join(project, 'node_modules');
  await mkdir(target);
  const entries = await readdir(path.join(installed, 'node_modules'));
  for (const entry of entries) {
    await symlink(path.join(installed, 'node_modules', entry), path.join(target, entry), 'dir');
  }
  // fast-jwt is oidc's alone: a jwt project has it only when someone installed it there
  if (!entries.includes('fast-jwt')) await symlink(path.join(GENERATOR, 'node_modules', 'fast-jwt'), path.join(target, 'fast-jwt'), 'dir');
}
const GENERATOR = path.resolve(import.meta.dirname, '../..');

/**
 * An --auth oidc --api-keys project with an installed project's framework and database, on its packages: it
 * typechecks, passes its own tests (`env`: a server database's URL) and its migrations match its schema.
 */
export async function oidcProjectOn(
  tarball: string,
  installed: string,
  flags: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  const project = await generateProject(tarball, 'oidc-api', ['--auth', 'oidc', '--api-keys', '--no-install', ...flags], {
    install: false,
  });
  await linkPackages(installed, project);
  await inProject(project, 'npx', ['tsc', '--noEmit']);
  await inProject(project, 'npm', ['run', 'lint']);
  await inProject(project, 'npm', ['test'], env);
  expect(await inProject(project, 'npx', ['drizzle-kit', 'generate'], env)).toContain('No schema changes');
  return project;
}

export async function oidcJourney(tarball: string, installed: string): Promise<void> {
  const project = await oidcProjectOn(tarball, installed);
  await inProject(project, 'npm', ['run', 'build']);

  const idp = await identityProvider();
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: './data/e2e-oidc.sqlite',
    LOG_LEVEL: 'warn',
    OIDC_ISSUER: idp.issuer,
    OIDC_AUDIENCE: 'e2e-api',
    OIDC_ROLES_CLAIM: 'realm_access.roles',
    OIDC_STAFF_ROLE: 'api-admin',
  };
  try {
    // production names what it lacks, one line each
    const refused = await execa('node', ['dist/server.js'], {
      cwd: project,
      env: { ...env, OIDC_ISSUER: '', OIDC_AUDIENCE: '' },
      reject: false,
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('OIDC_ISSUER: required in production');
    expect(refused.stderr).toContain('OIDC_AUDIENCE: required in production');

    await inProject(project, 'npm', ['run', 'db:migrate'], env);
    const server = await startServer(project, env);
    try {
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
      const call = (target: string, token: string, init: RequestInit = {}) =>
        fetch(`${server.url}${target}`, {
          ...init,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        });
      const staff = idp.sign({ sub: 'kc-1', preferred_username: 'alice', realm_access: { roles: ['api-admin'] } });
      const me = await call('/api/v1/me', staff);
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ username: 'alice' });
      // staff by the realm role: a product is made; someone without it gets 403; a token for another API 401
      expect(
        (await call('/api/v1/products', staff, { method: 'POST', body: JSON.stringify({ name: 'Lamp', price: '1.00', stock: 5 }) })).status,
      ).toBe(201);
      const plain = idp.sign({ sub: 'kc-2', preferred_username: 'bob' });
      expect(
        (await call('/api/v1/products', plain, { method: 'POST', body: JSON.stringify({ name: 'Desk', price: '1.00', stock: 5 }) })).status,
      ).toBe(403);
      expect((await call('/api/v1/me', idp.sign({ sub: 'kc-1', aud: 'another-api' }))).status).toBe(401);
      expect((await fetch(`${server.url}/api/token`, { method: 'POST' })).status).toBe(404);

      // an API key of bob's, made by the command as its owner would, acts as bob
      const key = (
        await execa('npm', ['run', '--silent', 'apikey:create', '--', '--username', 'bob', '--name', 'e2e'], { cwd: project, env })
      ).stdout.trim();
      const byKey = await fetch(`${server.url}/api/v1/me`, { headers: { 'X-API-Key': key } });
      expect(await byKey.json()).toMatchObject({ username: 'bob' });
    } finally {
      const stopped = await stopServer(server);
      expect(stopped.exitCode, server.output()).toBe(0);
    }
  } finally {
    idp.close();
  }
}

/**
 * The same --auth oidc project on Fastify, Express and Hono (on the SQLite trio's packages), served side by side
 * in production against one provider: every token refusal of §4.1, and the answers that pass, must be the same
 * bytes on all three (the differential corpus's rule, for the requests only an oidc project answers).
 */
export async function oidcDifferential(
  tarball: string,
  installed: string,
): Promise<{ sent: number; differences: string[]; statuses: Record<string, number> }> {
  const idp = await identityProvider('corpus-api');
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: './data/oidc-corpus.sqlite',
    LOG_LEVEL: 'warn',
    OIDC_ISSUER: idp.issuer,
    OIDC_AUDIENCE: 'corpus-api',
  };
  const servers: Record<string, RunningServer> = {};
  try {
    for (const framework of ['fastify', 'express', 'hono']) {
      const project = await generateProject(
        tarball,
        'oidc-corpus',
        ['--framework', framework, '--auth', 'oidc', '--no-example', '--no-install'],
        { install: false },
      );
      await linkPackages(installed, project);
      await inProject(project, 'npm', ['run', 'build']);
      await inProject(project, 'npm', ['run', 'db:migrate'], env);
      servers[framework] = await startServer(project, env);
    }
    const now = Math.floor(Date.now() / 1000);
    const { privateKey: stranger } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signedBy = (key: KeyObject, header: object, claims: object) => {
      const input = `${part(header)}.${part(claims)}`;
      return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
    };
    const claims = { iss: idp.issuer, aud: 'corpus-api', sub: 'corpus-user', iat: now, exp: now + 300 };
    const bearer = (token: string): [string, string][] => [['Authorization', `Bearer ${token}`]];
    const entries: [string, WireRequest][] = [
      ['ready', { method: 'GET', target: '/health/ready' }],
      [
        'me with a valid token',
        { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'corpus-user', preferred_username: 'corpus' })) },
      ],
      [
        'me again: the same row',
        { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'corpus-user', preferred_username: 'corpus' })) },
      ],
      ['me without preferred_username', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'corpus-other' })) }],
      ['me anonymous', { method: 'GET', target: '/api/v1/me' }],
      ['another audience', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'x', aud: 'another-api' })) }],
      ['another issuer', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'x', iss: 'https://evil.example.com' })) }],
      // the provider's signature on a token for no API in particular (Keycloak without an audience mapper)
      ['no audience', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'x', aud: undefined })) }],
      ['no issuer', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'x', iss: undefined })) }],
      ['expired', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'x', exp: now - 120 })) }],
      ['not yet valid', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'x', nbf: now + 300 })) }],
      [
        'issued in the future',
        { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: 'x', iat: now + 300, exp: now + 900 })) },
      ],
      [
        'a key the provider does not publish',
        { method: 'GET', target: '/api/v1/me', headers: bearer(signedBy(stranger, { alg: 'RS256', typ: 'JWT' }, claims)) },
      ],
      [
        'an unknown kid',
        { method: 'GET', target: '/api/v1/me', headers: bearer(signedBy(stranger, { alg: 'RS256', kid: 'forged', typ: 'JWT' }, claims)) },
      ],
      ['alg none', { method: 'GET', target: '/api/v1/me', headers: bearer(`${part({ alg: 'none' })}.${part(claims)}.`) }],
      ['HS256', { method: 'GET', target: '/api/v1/me', headers: bearer(`${part({ alg: 'HS256' })}.${part(claims)}.${'A'.repeat(43)}`) }],
      ['no sub', { method: 'GET', target: '/api/v1/me', headers: bearer(idp.sign({ sub: undefined })) }],
      ['garbage', { method: 'GET', target: '/api/v1/me', headers: bearer('not.a.token') }],
      ['Bearer with a stray part', { method: 'GET', target: '/api/v1/me', headers: [['Authorization', 'Bearer a b']] }],
      ['a public route with a refused token', { method: 'GET', target: '/health/live', headers: bearer('not.a.token') }],
      [
        'the token endpoint: none here',
        { method: 'POST', target: '/api/token', headers: [['Content-Type', 'application/json']], body: '{}' },
      ],
      ['v1 OpenAPI', { method: 'GET', target: '/api/v1/openapi.json' }],
    ];
    const differences: string[] = [];
    const statuses: Record<string, number> = {};
    for (const [name, request] of entries) {
      const answers = await Promise.all(
        Object.values(servers).map(async (server) =>
          JSON.stringify(normalize(await exchange(server.url, requestBytes(request), 5_000), undefined)),
        ),
      );
      if (answers.some((answer) => answer !== answers[0])) differences.push(`${name}:\n  ${answers.join('\n  ')}`);
      statuses[name] = (JSON.parse(answers[0]!) as { status: number }).status;
    }
    return { sent: entries.length, differences, statuses };
  } finally {
    for (const server of Object.values(servers)) await stopServer(server);
    idp.close();
  }
}
