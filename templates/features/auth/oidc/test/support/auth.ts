import { UserRepository } from '../../src/auth/repository.js';
import type { TestApp } from './app.js';
import { testProvider } from './provider.js';

// The same two helpers as a project with its own users has, so every resource's tests run unchanged: here a
// "user" is someone the test provider vouches for, and logging in is the provider handing out a token.
const people = new Map<string, { subject: string; staff: boolean }>();

/** A person the provider knows, and their row, made as their first request would make it. */
export async function createUser(
  app: TestApp,
  username: string,
  options: { staff?: boolean } = {},
): Promise<{ id: number; username: string }> {
  const subject = `sub-${username}`;
  people.set(`${app.url} ${username}`, { subject, staff: options.staff ?? false });
  const user = await new UserRepository(app.database.db).seen({
    issuer: app.config.oidc.issuer!,
    subject,
    username,
    isStaff: options.staff ?? false,
  });
  return { id: user.id, username: user.username };
}

/** An access token from the provider for a person createUser made, with the staff role when they are staff. */
export async function login(app: TestApp, username: string): Promise<{ access: string }> {
  const person = people.get(`${app.url} ${username}`);
  if (!person) throw new Error(`login: no user "${username}" made with createUser for this app`);
  const provider = await testProvider();
  return { access: await provider.sign({ sub: person.subject, preferred_username: username, roles: person.staff ? ['staff'] : [] }) };
}
