import { randomUUID } from 'node:crypto';
import { AuthenticationFailed, InvalidToken } from '../core/errors.js';
import { burnPasswordCheck, checkPassword, hashPassword } from '../core/auth/passwords.js';
import { TokenError, userIdOf, type TokenSigner } from '../core/auth/tokens.js';
import type { AuthUser } from '../core/routes.js';
import type { Logger } from '../logger.js';
import type { RefreshTokenRepository, UserRepository } from './repository.js';

export interface TokenPair {
  access: string;
  refresh: string;
}

const INVALID_REFRESH = 'Token is invalid or expired';
const BLACKLISTED = 'Token is blacklisted';

/** Login, refresh with rotation and reuse detection, logout, and resolving a caller from an access token. */
export class AuthService {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: RefreshTokenRepository,
    private readonly signer: TokenSigner,
    private readonly reuseGraceSeconds: number,
  ) {}

  async login(username: string, password: string): Promise<TokenPair> {
    const user = await this.users.findByUsername(username);
    if (!user) {
      await burnPasswordCheck(password);
    } else {
      const check = await checkPassword(password, user.passwordHash);
      if (check.ok && user.isActive) {
        // a hash from weaker parameters (or scrypt) is replaced now that the password is known to be right
        if (check.needsRehash) await this.users.setPasswordHash(user.id, await hashPassword(password));
        return this.issuePair(user.id, randomUUID());
      }
    }
    throw new AuthenticationFailed('No active account found with the given credentials', 'no_active_account');
  }

  async refresh(token: string, log: Logger): Promise<TokenPair> {
    const claims = await this.verifyRefresh(token);
    const stored = await this.tokens.find(claims.jti);
    if (!stored) throw new InvalidToken(INVALID_REFRESH);

    const user = await this.users.findById(stored.userId);
    if (!user?.isActive) throw new InvalidToken(INVALID_REFRESH);

    const refresh = await this.signer.sign('refresh', user.id, stored.family);
    const rotated = await this.tokens.rotate(stored.jti, {
      jti: refresh.claims.jti,
      userId: user.id,
      family: stored.family,
      expiresAt: new Date(refresh.claims.exp * 1000),
    });
    if (!rotated) {
      await this.onReuse(stored.jti, log);
      throw new InvalidToken(BLACKLISTED);
    }
    const access = await this.signer.sign('access', user.id);
    return { access: access.token, refresh: refresh.token };
  }

  async logout(token: string, log: Logger): Promise<void> {
    const claims = await this.verifyRefresh(token);
    const stored = await this.tokens.find(claims.jti);
    if (!stored) throw new InvalidToken(INVALID_REFRESH);
    if (!(await this.tokens.blacklist(stored.jti))) {
      await this.onReuse(stored.jti, log);
      throw new InvalidToken(BLACKLISTED);
    }
  }

  /**
   * A blacklisted token came back: someone holds a copy, so the whole login
   * ends, the thief's session and the victim's. Within the grace period after
   * a rotation it is more likely the same client sending twice (two tabs, a
   * retry): refused, but the session that won the rotation lives on.
   */
  private async onReuse(jti: string, log: Logger): Promise<void> {
    const current = await this.tokens.find(jti);
    if (!current?.blacklistedAt) return;
    if (Date.now() - current.blacklistedAt.getTime() < this.reuseGraceSeconds * 1000) return;
    await this.tokens.revokeFamily(current.family);
    log.warn({ userId: current.userId, family: current.family }, 'refresh token reuse detected; token family revoked');
  }

  async authenticate(accessToken: string): Promise<AuthUser> {
    let userId: number;
    try {
      // verify() accepted only a canonical decimal sub
      userId = userIdOf((await this.signer.verify(accessToken, 'access')).sub)!;
    } catch (error) {
      if (error instanceof TokenError) throw new InvalidToken();
      throw error;
    }
    const user = await this.users.findById(userId);
    if (!user?.isActive) throw new AuthenticationFailed('User not found', 'user_not_found');
    return { id: user.id, username: user.username, isStaff: user.isStaff };
  }

  private async verifyRefresh(token: string) {
    try {
      return await this.signer.verify(token, 'refresh');
    } catch (error) {
      if (error instanceof TokenError) throw new InvalidToken(INVALID_REFRESH);
      throw error;
    }
  }

  private async issuePair(userId: number, family: string): Promise<TokenPair> {
    const refresh = await this.signer.sign('refresh', userId, family);
    await this.tokens.record({ jti: refresh.claims.jti, userId, family, expiresAt: new Date(refresh.claims.exp * 1000) });
    const access = await this.signer.sign('access', userId);
    return { access: access.token, refresh: refresh.token };
  }
}
