import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { errors, importPKCS8, importSPKI, jwtVerify, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export type TokenType = 'access' | 'refresh';

export interface TokenSettings {
  algorithm: 'HS256' | 'RS256' | 'EdDSA';
  secret: string;
  privateKeyFile?: string;
  publicKeyFile?: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface TokenClaims {
  sub: string;
  jti: string;
  token_type: TokenType;
  iat: number;
  exp: number;
  /** refresh tokens only: the login this token descends from */
  family?: string;
}

export class TokenError extends Error {}

/** Signs and verifies access and refresh tokens. Stateless: rotation and the blacklist live in the token store. */
export class TokenSigner {
  private readonly keys: Promise<{ sign: CryptoKey | Uint8Array; verify: CryptoKey | Uint8Array }>;

  constructor(private readonly settings: TokenSettings) {
    this.keys = loadKeys(settings);
  }

  async sign(type: TokenType, userId: number, family?: string): Promise<{ token: string; claims: TokenClaims }> {
    const now = Math.floor(Date.now() / 1000);
    const ttl = type === 'access' ? this.settings.accessTtlSeconds : this.settings.refreshTtlSeconds;
    const claims: TokenClaims = { sub: String(userId), jti: randomUUID(), token_type: type, iat: now, exp: now + ttl };
    if (family) claims.family = family;
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: this.settings.algorithm, typ: 'JWT' })
      .sign((await this.keys).sign);
    return { token, claims };
  }

  /**
   * Verifies signature, expiry and type. Only the configured algorithm is
   * accepted, so `alg: none` and algorithm-confusion tokens fail like a bad signature.
   */
  async verify(token: string, type: TokenType): Promise<TokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (await this.keys).verify, { algorithms: [this.settings.algorithm] }));
    } catch (error) {
      if (error instanceof errors.JOSEError || error instanceof TypeError) throw new TokenError(error.message);
      throw error;
    }
    const claims = payload as Partial<TokenClaims>;
    if (claims.token_type !== type) throw new TokenError(`expected a ${type} token`);
    if (
      typeof claims.sub !== 'string' ||
      typeof claims.jti !== 'string' ||
      typeof claims.exp !== 'number' ||
      typeof claims.iat !== 'number'
    ) {
      throw new TokenError('token lacks required claims');
    }
    // one spelling per user: `0x1`, ` 1 `, `1.0` or `01` would all read as user 1 through Number()
    if (userIdOf(claims.sub) === null) throw new TokenError('sub is not a canonical user id');
    if (claims.iat > Math.floor(Date.now() / 1000) + CLOCK_LEEWAY_SECONDS) throw new TokenError('token issued in the future');
    return claims as TokenClaims;
  }
}

/** How far ahead of this clock another instance's clock may run before its `iat` is refused. */
const CLOCK_LEEWAY_SECONDS = 30;

/** The user id a `sub` names, or null unless it is a canonical decimal (`1`, never `01`, `1.0`, `0x1`). */
export function userIdOf(sub: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(sub)) return null;
  const id = Number(sub);
  return Number.isSafeInteger(id) ? id : null;
}

async function loadKeys(settings: TokenSettings) {
  if (settings.algorithm === 'HS256') {
    // imported once: handing jose raw bytes would import the key again on every sign and verify
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(settings.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    return { sign: key, verify: key };
  }
  const read = (file: string | undefined) => readFileSync(file ?? '', 'utf8');
  return {
    sign: await importPKCS8(read(settings.privateKeyFile), settings.algorithm),
    verify: await importSPKI(read(settings.publicKeyFile), settings.algorithm),
  };
}
