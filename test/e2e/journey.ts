import type { Socket } from 'node:net';
import { expect } from 'vitest';
import { inProject, openHalfSentRequest, startServer, stopServer } from './support.js';

const json = async (response: Response) => (await response.json()) as Record<string, unknown>;
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/**
 * What every generated default project (jwt, examples) answers over HTTP, whatever its framework and database:
 * health, token obtain and refresh, a 400 in the envelope, a cursor traversal, an unknown version, a 405 and a
 * 429. Expects a staff user alice / s3cret-pass, and THROTTLE_LOGIN=5/minute.
 */
export async function contractJourney(url: string): Promise<void> {
  expect((await fetch(`${url}/health/ready`)).status).toBe(200);

  // token obtain (1 of the 5 login-scope requests) and refresh (a scope of its own), both never cached
  const obtained = await post(`${url}/api/token`, { username: 'alice', password: 's3cret-pass' });
  expect(obtained.status).toBe(200);
  const tokens = (await obtained.json()) as { access: string; refresh: string };
  expect(obtained.headers.get('cache-control')).toBe('no-store');
  const refreshed = await post(`${url}/api/token/refresh`, { refresh: tokens.refresh });
  expect(refreshed.status).toBe(200);
  expect(refreshed.headers.get('cache-control')).toBe('no-store');
  const rotated = (await refreshed.json()) as { access: string; refresh: string };
  const { access } = rotated;
  const auth = { authorization: `Bearer ${access}` };
  const me = await json(await fetch(`${url}/api/v1/me`, { headers: auth }));
  expect(me).toMatchObject({ username: 'alice' });
  // v2 redefines products only: /me and orders answer there exactly as in v1
  expect(await json(await fetch(`${url}/api/v2/me`, { headers: auth }))).toEqual(me);
  const v1Orders = await fetch(`${url}/api/v1/orders`, { headers: auth });
  const v2Orders = await fetch(`${url}/api/v2/orders`, { headers: auth });
  expect([v1Orders.status, v2Orders.status]).toEqual([200, 200]);
  expect(((await v2Orders.json()) as { results: unknown }).results).toEqual(((await v1Orders.json()) as { results: unknown }).results);

  // a 400 in the envelope
  const invalid = await post(`${url}/api/v1/orders`, { quantity: 0 }, auth);
  expect(invalid.status).toBe(400);
  expect(invalid.headers.get('x-request-id')).toBeTruthy();
  expect(await json(invalid)).toEqual({
    status: 'error',
    code: 400,
    errors: {
      product_id: ['This field is required.'],
      quantity: ['Quantity must be at least 1.'],
      shipping_address: ['This field is required.'],
    },
  });

  // a cursor traversal over 12 products, 5 a page, every row once in -created_at order
  for (let i = 0; i < 12; i++)
    expect((await post(`${url}/api/v1/products`, { name: `p${i}`, price: '1.00', stock: 1 }, auth)).status).toBe(201);
  const names: string[] = [];
  let next: string | null = `${url}/api/v1/products?page_size=5`;
  while (next) {
    const page = (await json(await fetch(next))) as { next: string | null; results: { name: string }[] };
    names.push(...page.results.map((row) => row.name));
    next = page.next;
  }
  expect(names).toEqual(Array.from({ length: 12 }, (_, i) => `p${11 - i}`));

  // the framework's own answers, in the envelope
  expect(await json(await fetch(`${url}/api/v9/products`))).toEqual({
    status: 'error',
    code: 404,
    errors: { detail: 'Invalid version in URL path.' },
  });
  expect((await fetch(`${url}/api/v1/products`, { method: 'PUT' })).status).toBe(405);
  const malformed = await fetch(`${url}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"username":',
  });
  expect(malformed.status).toBe(400);
  expect((await fetch(`${url}/api/v1/openapi.json`)).status).toBe(200);

  // a 429: the login scope has 4 requests left (a body that never parsed never reached the throttle)
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const guess = await post(`${url}/api/token`, { username: 'alice', password: 'wrong' });
    statuses.push(guess.status);
    if (guess.status === 429) expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  expect(statuses).toEqual([401, 401, 401, 401, 429]);
  // a throttled login never blocks a refresh
  expect((await post(`${url}/api/token/refresh`, { refresh: rotated.refresh })).status).toBe(200);
}

/**
 * A built project in production mode on `databaseUrl`: migrated, a staff user made, `before` run, then the contract
 * journey over HTTP and SIGTERM with a half-sent request open: exit 0, after the grace period and well within 5 s.
 */
export async function servesContract(
  project: string,
  databaseUrl: string,
  before?: (env: Record<string, string>) => Promise<void>,
): Promise<void> {
  const env = {
    NODE_ENV: 'production',
    JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
    DATABASE_URL: databaseUrl,
    THROTTLE_LOGIN: '5/minute',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '1500',
  };
  await inProject(project, 'npm', ['run', 'db:migrate'], env);
  await inProject(project, 'npm', ['run', 'user:create', '--', '--username', 'alice', '--password', 's3cret-pass', '--staff'], env);
  await before?.(env);
  const running = await startServer(project, env);
  let halfSent: Socket[] = [];
  try {
    await contractJourney(running.url);
    // clients that send half a request (its headers, or its body) and wait: SIGTERM must still end in exit 0 once
    // the grace period is over
    halfSent = [await openHalfSentRequest(running.url), await openHalfSentRequest(running.url, 'body')];
  } finally {
    const stopped = await stopServer(running);
    for (const socket of halfSent) socket.destroy();
    expect(stopped.exitCode, running.output()).toBe(0);
    expect(stopped.ms).toBeGreaterThanOrEqual(halfSent.length > 0 ? 1_000 : 0);
    expect(stopped.ms).toBeLessThan(5_000);
  }
}
