import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMany } from '../src/db/ops.js';
import { DatabaseIdempotencyStore } from '../src/idempotency/store.js';
import { idempotencyKeys } from '../src/idempotency/table.js';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { createProbeTable, probeItems, probeRegistry } from './support/probe.js';

// Idempotent creates (contract §10): a retry with the same Idempotency-Key and body gets the first answer again,
// the effect and the kept answer commit together, an error is not kept, and concurrent repeats make one object.
describe('Idempotency-Key on creates', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
    await createProbeTable(app.database);
  });
  afterAll(() => app.close());

  const create = (key: string | undefined, body: unknown, version = 'v1') =>
    app.request(`/api/${version}/probe/created`, { method: 'POST', body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
  const named = async (name: string) => (await app.database.db.select().from(probeItems).where(eq(probeItems.name, name))).length;

  it('a repeat gets the same status, body and Location with Idempotent-Replayed: true, and makes nothing', async () => {
    const first = await create('key-repeat', { name: 'repeat', waitMs: 0 });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const body = await first.json();
    for (let i = 0; i < 2; i += 1) {
      // the same body, its keys in another order: the same request
      const again = await create('key-repeat', { waitMs: 0, name: 'repeat' });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(await again.json()).toEqual(body);
    }
    expect(await named('repeat')).toBe(1);
    // without a key the create runs again (and the probe's name is unique)
    expect((await envelope(await create(undefined, { name: 'repeat' }))).errors).toEqual({ name: ['This field must be unique.'] });
  });

  it('the same key with another body is a 422, and nothing is made', async () => {
    expect((await create('key-other-body', { name: 'first body' })).status).toBe(201);
    const other = await create('key-other-body', { name: 'second body' });
    await expectError(other, 422, { detail: 'This Idempotency-Key was used with a different request.' });
    expect(await named('second body')).toBe(0);
  });

  it('a key that is not 1-255 visible ASCII characters is a 400 in the envelope, and nothing is made', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256)]) {
      const response = await create(key, { name: 'bad key' });
      expect(response.status, JSON.stringify(key)).toBe(400);
      expect((await envelope(response)).errors).toEqual({ detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters.' });
    }
    expect((await create('x'.repeat(255), { name: 'long key' })).status).toBe(201);
    expect(await named('bad key')).toBe(0);
  });

  it('an error is not kept, its write is undone, and a corrected request may use the key', async () => {
    const failed = await create('key-after-error', { name: 'corrected', fail: true });
    expect(failed.status).toBe(409);
    expect(await named('corrected')).toBe(0);
    const corrected = await create('key-after-error', { name: 'corrected' });
    expect(corrected.status).toBe(201);
    expect(corrected.headers.get('idempotent-replayed')).toBeNull();
    expect((await create('key-after-error', { name: 'corrected' })).headers.get('idempotent-replayed')).toBe('true');
    expect(await named('corrected')).toBe(1);
    // an error answer the handler returns instead of throwing: the same, its write undone with it
    expect((await create('key-after-refusal', { name: 'refused', refuse: true })).status).toBe(422);
    expect(await named('refused')).toBe(0);
    expect((await create('key-after-refusal', { name: 'refused' })).status).toBe(201);
  });

  it('N concurrent creates with one key make one object; a repeat while the first runs is a 409 with Retry-After: 1', async () => {
    const body = { name: 'concurrent', waitMs: 300 };
    const answers = await Promise.all(Array.from({ length: 8 }, () => create('key-concurrent', body)));
    const made = answers.filter((answer) => answer.status === 201 && answer.headers.get('idempotent-replayed') === null);
    expect(made).toHaveLength(1);
    for (const answer of answers.filter((answer) => answer.status === 409)) {
      expect(answer.headers.get('retry-after')).toBe('1');
      expect((await envelope(answer)).errors).toEqual({ detail: 'A request with this Idempotency-Key is being processed.' });
    }
    expect(answers.every((answer) => answer.status === 201 || answer.status === 409)).toBe(true);
    // every replay is the first answer
    const first = await made[0]!.json();
    for (const answer of answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true'))
      expect(await answer.json()).toEqual(first);
    expect(await named('concurrent')).toBe(1);
    expect((await create('key-concurrent', body)).headers.get('idempotent-replayed')).toBe('true');
    // a repeat while the first is surely still running
    const slow = create('key-slow', { name: 'slow', waitMs: 600 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const during = await create('key-slow', { name: 'slow', waitMs: 600 });
    expect(during.status).toBe(409);
    expect(during.headers.get('retry-after')).toBe('1');
    expect((await slow).status).toBe(201);
  });

  it('a key is scoped to its route: the same key on another version makes its own object', async () => {
    expect((await create('key-scoped', { name: 'scoped v1' }, 'v1')).status).toBe(201);
    // were the key shared, another body would be a 422
    const other = await create('key-scoped', { name: 'scoped v2' }, 'v2');
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(await named('scoped v2')).toBe(1);
  });

  it('a claim that lapsed and was taken over keeps nothing: the late create is rolled back with its answer', async () => {
    const store = new DatabaseIdempotencyStore(app.database.db);
    const now = new Date();
    const lapsed = new Date(now.getTime() - 1);
    expect(await store.claim({ id: 'lapsing', fingerprint: 'f', owner: 'late', now, until: lapsed })).toEqual({ claimed: true });
    const later = {
      id: 'lapsing',
      fingerprint: 'f',
      owner: 'taker',
      now: new Date(now.getTime() + 1),
      until: new Date(now.getTime() + 60_000),
    };
    expect(await store.claim(later)).toEqual({ claimed: true });
    const late = store.complete('lapsing', 'late', async (keep) => {
      await insertMany(app.database.db, probeItems, [{ name: 'late write', createdAt: new Date() }]);
      if (!(await keep({ status: 201, headers: {}, body: {} }, new Date(now.getTime() + 60_000)))) throw new Error('claim lost');
    });
    await expect(late).rejects.toThrow('claim lost');
    expect(await named('late write')).toBe(0);
    // the claim's holder keeps its answer; a repeat then gets it
    await store.complete('lapsing', 'taker', (keep) =>
      keep({ status: 201, headers: {}, body: { kept: true } }, new Date(now.getTime() + 60_000)),
    );
    const repeat = await store.claim({ ...later, owner: 'repeat' });
    expect(repeat).toEqual({ claimed: false, fingerprint: 'f', answer: { status: 201, headers: {}, body: { kept: true } } });
  });

  it('npm run idempotency:flush deletes the keys whose time is over, and only those', async () => {
    const store = new DatabaseIdempotencyStore(app.database.db);
    const now = Date.now();
    await store.claim({ id: 'flush-old', fingerprint: 'f', owner: 'o', now: new Date(now - 10_000), until: new Date(now - 5_000) });
    await store.claim({ id: 'flush-live', fingerprint: 'f', owner: 'o', now: new Date(now), until: new Date(now + 60_000) });
    const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: app.config.databaseUrl };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/idempotency-flush.ts'], { env });
    expect(stdout).toMatch(/^Flushed \d+ expired Idempotency-Keys?\.\n$/);
    const ids = (await app.database.db.select({ id: idempotencyKeys.id }).from(idempotencyKeys)).map((row) => row.id);
    expect(ids).toContain('flush-live');
    expect(ids).not.toContain('flush-old');
  });
});

describe('IDEMPOTENCY_TTL', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry(), env: { IDEMPOTENCY_TTL: '1s' } });
    await createProbeTable(app.database);
  });
  afterAll(() => app.close());

  it('past it, the answer and the key are gone: the key may go with a new request', async () => {
    const send = (name: string) =>
      app.request('/api/v1/probe/created', { method: 'POST', body: { name }, headers: { 'Idempotency-Key': 'key-ttl' } });
    expect((await send('ttl')).status).toBe(201);
    expect((await send('ttl')).headers.get('idempotent-replayed')).toBe('true');
    expect((await send('ttl, another')).status).toBe(422);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await send('ttl, another');
    expect(after.status).toBe(201);
    expect(after.headers.get('idempotent-replayed')).toBeNull();
  });
});
