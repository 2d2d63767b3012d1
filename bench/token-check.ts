// The server CPU a token check costs: GET /api/v1/me with a JWT project's HS256 access token beside the same with
// an --auth oidc project's RS256 token from an identity provider whose key the server has cached (contract §4.1;
// issue 26's target: at most 0.05 ms more), with one token sent again and again and with a new token each request
// (the oidc authenticator remembers tokens that passed; the jwt one checks each). Both Fastify on SQLite, the oidc
// project on the jwt one's packages, measured side by side in one run, alternating, medians of the rounds.
// Run: npm run build && npx tsx bench/token-check.ts [--projects DIR] [--rounds 5] [--requests 20000]
//      (DIR/fastify holds an installed generated project to reuse; else one is generated and installed)
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { identityProvider, linkPackages } from '../test/e2e/oidc.js';
import { inProject, startServer, stopServer } from '../test/e2e/support.js';
import { cpuPerRequest } from './cpu.js';

const { values } = parseArgs({
  options: { projects: { type: 'string' }, rounds: { type: 'string', default: '5' }, requests: { type: 'string', default: '20000' } },
});
const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');
const ROUNDS = Number(values.rounds);
const REQUESTS = Number(values.requests);
const TARGET_MS = 0.05;
/** a new token each request costs the bench an RSA signature: fewer of them */
const FRESH_REQUESTS = Math.ceil(REQUESTS / 4);

const parent = values.projects ? path.resolve(values.projects) : await mkdtemp(path.join(os.tmpdir(), 'cpa-bench-token-'));
await mkdir(parent, { recursive: true });
const jwtProject = path.join(parent, 'fastify');
if (!existsSync(path.join(jwtProject, 'node_modules'))) {
  console.log(`generating and installing a fastify project in ${parent}`);
  await execa(process.execPath, [BIN, 'fastify', '--yes', '--no-git'], { cwd: parent, env: { CI: 'true' } });
}
const oidcProject = path.join(parent, 'fastify-oidc');
await rm(oidcProject, { recursive: true, force: true });
await execa(process.execPath, [BIN, 'fastify-oidc', '--yes', '--no-git', '--no-install', '--auth', 'oidc'], {
  cwd: parent,
  env: { CI: 'true' },
});
await linkPackages(jwtProject, oidcProject);
for (const project of [jwtProject, oidcProject]) await inProject(project, 'npm', ['run', 'build']);

const idp = await identityProvider('bench-api');
const common = { NODE_ENV: 'production', LOG_LEVEL: 'warn', THROTTLE_USER: '10000000/hour', THROTTLE_ANON: '10000000/hour' };
const jwtEnv = { ...common, JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00', DATABASE_URL: './data/bench-token.sqlite' };
const oidcEnv = { ...common, OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: 'bench-api', DATABASE_URL: './data/bench-token.sqlite' };
for (const [project, env] of [
  [jwtProject, jwtEnv],
  [oidcProject, oidcEnv],
] as const) {
  await rm(path.join(project, 'data/bench-token.sqlite'), { force: true });
  await inProject(project, 'npm', ['run', 'db:migrate'], env);
}
await inProject(jwtProject, 'npm', ['run', 'user:create', '--', '--username', 'bench', '--password', 'token-check-pass-9'], jwtEnv);

const jwtServer = await startServer(jwtProject, jwtEnv);
const oidcServer = await startServer(oidcProject, oidcEnv);
try {
  const login = await fetch(`${jwtServer.url}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'token-check-pass-9' }),
  });
  const jwtToken = ((await login.json()) as { access: string }).access;
  const oidcToken = idp.sign({ sub: 'bench-user', preferred_username: 'bench' });
  // a token never seen before on every request (a unique jti): the key is cached, the token is not, so the
  // signature is checked each time; signed before each round, so the requests come as fast as the others
  let sequence = 0;
  let tokens: string[] = [];
  const signTokens = () => {
    tokens = Array.from({ length: Math.ceil(FRESH_REQUESTS * 1.1) + 10 }, () =>
      idp.sign({ sub: 'bench-user', preferred_username: 'bench', jti: `bench-${sequence++}` }),
    );
  };
  const freshToken = () => ({ authorization: `Bearer ${tokens.pop()!}` });
  const me = (server: typeof jwtServer, headers: Record<string, string>, headersEach?: () => Record<string, string>) => ({
    url: `${server.url}/api/v1/me`,
    headers,
    ...(headersEach ? { headersEach } : {}),
  });
  // the new-token series is measured beside the jwt token sent the same way (per-request headers, as many requests),
  // so the difference is the tokens' alone
  const jwtEach = () => ({ authorization: `Bearer ${jwtToken}` });
  const rounds = { jwt: [] as number[], oidc: [] as number[], jwtEach: [] as number[], fresh: [] as number[] };
  for (let round = 1; round <= ROUNDS; round++) {
    rounds.jwt.push(await cpuPerRequest(jwtServer.process.pid!, me(jwtServer, { authorization: `Bearer ${jwtToken}` }), REQUESTS));
    rounds.oidc.push(await cpuPerRequest(oidcServer.process.pid!, me(oidcServer, { authorization: `Bearer ${oidcToken}` }), REQUESTS));
    rounds.jwtEach.push(await cpuPerRequest(jwtServer.process.pid!, me(jwtServer, {}, jwtEach), FRESH_REQUESTS));
    signTokens();
    rounds.fresh.push(await cpuPerRequest(oidcServer.process.pid!, me(oidcServer, {}, freshToken), FRESH_REQUESTS));
    console.log(
      `round ${round}: one token: jwt ${rounds.jwt.at(-1)!.toFixed(4)} ms, oidc ${rounds.oidc.at(-1)!.toFixed(4)} ms; ` +
        `headers per request: jwt ${rounds.jwtEach.at(-1)!.toFixed(4)} ms, oidc with a new token each ${rounds.fresh.at(-1)!.toFixed(4)} ms`,
    );
  }
  const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]!;
  const verdict = (series: number[], baseline: number[], what: string) => {
    const delta = median(series) - median(baseline);
    return (
      `  ${what}: jwt (HS256) ${median(baseline).toFixed(4)} ms, oidc (RS256, cached key) ${median(series).toFixed(4)} ms: ` +
      `${delta >= 0 ? '+' : ''}${delta.toFixed(4)} ms (target: at most +${TARGET_MS} ms: ${delta <= TARGET_MS ? 'met' : 'MISSED'})`
    );
  };
  console.log(`GET /api/v1/me, server CPU per request, medians of ${ROUNDS}:`);
  console.log(verdict(rounds.fresh, rounds.jwtEach, `a new oidc token each request (${FRESH_REQUESTS} requests)`));
  console.log(verdict(rounds.oidc, rounds.jwt, `the same token each request (${REQUESTS} requests)`));
} finally {
  await stopServer(jwtServer);
  await stopServer(oidcServer);
  idp.close();
}
