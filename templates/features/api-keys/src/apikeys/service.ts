import { InvalidToken } from '../core/errors.js';
import type { AuthUser } from '../core/routes.js';
import type { UserRepository } from '../auth/repository.js';
import { hashKey, newKey, prefixOf, sameHash } from './keys.js';
import { PrefixTaken, type ApiKeyRepository, type ApiKeyRow } from './repository.js';

export class NoSuchUser extends Error {}

/** How stale a key's last-used time may get: a busy key writes it once a minute, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/** Makes keys, and resolves a request's key to the user it acts as. */
export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
  ) {}

  /** A new key for a user: the key itself is in the answer, and nowhere else ever again. */
  async create(options: { username: string; name: string; expiresAt: Date | null }): Promise<{ key: string; row: ApiKeyRow }> {
    const user = await this.users.findByUsername(options.username);
    if (!user) throw new NoSuchUser(options.username);
    // 62^8 prefixes: a clash is rare, and the unique index catches it; a new draw then
    for (let attempt = 0; ; attempt++) {
      const { key, prefix } = newKey();
      try {
        const row = await this.keys.create({
          prefix,
          hash: hashKey(key),
          name: options.name,
          userId: user.id,
          expiresAt: options.expiresAt,
        });
        return { key, row };
      } catch (error) {
        if (!(error instanceof PrefixTaken) || attempt >= 3) throw error;
      }
    }
  }

  /**
   * The key's owner, with the owner's role as the database has it now. An unknown, malformed, revoked or expired
   * key, or one whose owner is no longer active: the one refusal of every bad credential (401 token_not_valid).
   */
  async authenticate(key: string): Promise<AuthUser> {
    const prefix = prefixOf(key);
    if (prefix === null) throw new InvalidToken();
    const found = await this.keys.findByPrefix(prefix);
    const now = Date.now();
    if (
      !found ||
      !sameHash(found.key.hash, hashKey(key)) ||
      found.key.revokedAt !== null ||
      (found.key.expiresAt !== null && found.key.expiresAt.getTime() <= now) ||
      !found.owner.isActive
    ) {
      throw new InvalidToken();
    }
    const lastUsed = found.key.lastUsedAt?.getTime();
    if (lastUsed === undefined || now - lastUsed >= TOUCH_EVERY_MS) await this.keys.touch(found.key.id, new Date(now));
    return { id: found.owner.id, username: found.owner.username, isStaff: found.owner.isStaff, apiKey: prefix };
  }
}
