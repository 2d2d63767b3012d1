import { UserRepository } from '../../src/auth/repository.js';
import { hashPassword } from '../../src/core/auth/passwords.js';
import type { TestApp } from './app.js';

export const PASSWORD = 'correct horse battery';

export async function createUser(
  app: TestApp,
  username: string,
  options: { password?: string; staff?: boolean } = {},
): Promise<{ id: number; username: string }> {
  const user = await new UserRepository(app.database.db).create(username, await hashPassword(options.password ?? PASSWORD), {
    isStaff: options.staff,
  });
  return { id: user.id, username: user.username };
}

export async function login(app: TestApp, username: string, password = PASSWORD): Promise<{ access: string; refresh: string }> {
  const response = await app.request('/api/token', { method: 'POST', body: { username, password } });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { access: string; refresh: string };
}
