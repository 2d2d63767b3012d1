import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserRepository } from '../src/auth/repository.js';
import { expectError, startTestApp, type TestApp } from './support/app.js';
import { login, PASSWORD } from './support/auth.js';
import { probeRegistry } from './support/probe.js';

const run = promisify(execFile);

/** Staff users, and the commands that make them, as a person runs them: `npm run user:create -- ...`. */
describe('users and roles', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
  });
  afterAll(() => app.close());

  /** One of the project's user commands against the test database: its exit code and what it printed. */
  async function command(script: 'user-create' | 'user-role', ...args: string[]) {
    const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: app.config.databaseUrl };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }
  const users = () => new UserRepository(app.database.db);
  /** a route whose access rule is `staff` */
  const staffOnly = (token?: string) => app.request('/api/v1/probe/staff', { token });

  it('user:create --staff makes a staff user', async () => {
    const result = await command('user-create', '--username', 'ops', '--password', PASSWORD, '--staff');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Created staff user "ops" \(id \d+\)\.\n$/) });
    expect((await users().findByUsername('ops'))!.isStaff).toBe(true);
  });

  it('promote and demote an existing user; the next request sees the change', async () => {
    expect((await command('user-create', '--username', 'pat', '--password', PASSWORD)).code).toBe(0);
    expect((await users().findByUsername('pat'))!.isStaff).toBe(false);
    const { access } = await login(app, 'pat');
    expect((await staffOnly()).status).toBe(401);
    const denied = await staffOnly(access);
    await expectError(denied, 403, { detail: 'You do not have permission to perform this action.' });

    const promoted = await command('user-role', 'promote', '--username', 'pat');
    expect(promoted).toMatchObject({ code: 0, stdout: expect.stringMatching(/^"pat" \(id \d+\) is now staff\.\n$/) });
    // the same access token: roles are read from the database on every request, never from the token
    expect(await (await staffOnly(access)).json()).toEqual({ staff: true });

    const demoted = await command('user-role', 'demote', '--username', 'pat');
    expect(demoted).toMatchObject({ code: 0, stdout: expect.stringMatching(/is no longer staff\.\n$/) });
    expect((await staffOnly(access)).status).toBe(403);
  });

  it.each([
    ['a missing username', 2, ['--password', PASSWORD], /^error: --username is required\. Usage: npm run user:create/],
    ['a weak password', 2, ['--username', 'quinn', '--password', 'abc'], /^error: --password is too weak: use at least 8 characters\./],
    ['an unknown flag', 2, ['--username', 'quinn', '--password', PASSWORD, '--admin'], /^error: Unknown option '--admin'\. Usage:/],
  ])('user:create with %s: one line, exit %i, nothing written', async (_name, code, args, message) => {
    const result = await command('user-create', ...args);
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(await users().findByUsername('quinn')).toBeUndefined();
  });

  it('user:create with a taken username: one line, exit 1, the user unchanged', async () => {
    expect((await command('user-create', '--username', 'rose', '--password', PASSWORD)).code).toBe(0);
    const before = await users().findByUsername('rose');
    const result = await command('user-create', '--username', 'rose', '--password', 'another-long-pass', '--staff');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('error: a user named "rose" exists already; choose another --username.');
    expect(await users().findByUsername('rose')).toEqual(before);
  });

  it.each([
    ['an unknown user', 1, ['promote', '--username', 'nobody'], /^error: no user named "nobody"/],
    ['no username', 2, ['demote'], /^error: --username is required\. Usage: npm run user:demote/],
  ])('user:promote/demote with %s: one line, exit %i', async (_name, code, args, message) => {
    const result = await command('user-role', ...args);
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
