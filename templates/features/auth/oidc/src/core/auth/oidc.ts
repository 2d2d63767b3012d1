import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createVerifier, TokenError, type Algorithm } from 'fast-jwt';
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWK, type JWTPayload, type RemoteJWKSet } from 'jose';
import type { Logger } from '../../logger.js';

export interface OidcSettings {
  /** the provider's issuer, exactly as its tokens' `iss` says it; its discovery document names the key set */
  issuer: string | undefined;
  /** the key set's URL, when it is not to be discovered from the issuer */
  jwksUrl: string | undefined;
  /** this API's identifier: a token whose `aud` does not contain it was made for another API */
  audience: string | undefined;
  /** a dot path to the roles in a token (`roles`, `realm_access.roles`, `permissions`) */
  rolesClaim: string;
  /** the role that makes a caller staff */
  staffRole: string;
  /** how long a request for the discovery document or the key set may take */
  timeoutMs: number;
}

/** The signatures an identity provider uses: asymmetric only, so a key set's public key can never be a shared secret. */
export const ALGORITHMS: string[] = ['RS256', 'PS256', 'ES256', 'EdDSA'] satisfies Algorithm[];
/** how far the provider's clock may be from ours, for `exp`, `nbf` and `iat` */
const LEEWAY_SECONDS = 30;
/** an unknown `kid` fetches the key set again at most this often: a flood of forged kids cannot hammer the provider */
const REFETCH_COOLDOWN_MS = 30_000;
/** the key set is fetched again this often in the background, so a key the provider withdrew stops working */
const REFRESH_EVERY_MS = 10 * 60_000;
/** until the key set was fetched once, it is tried again this often */
const RETRY_EVERY_MS = 5_000;

export class OidcTokenError extends Error {}

/** What a verified token says of its caller. */
export interface OidcIdentity {
  subject: string;
  username: string;
  roles: string[];
  /** the token's `exp`, in seconds */
  expiresAt: number;
}

/** One of the provider's public keys, ready to check a token: the algorithms it may sign with, and its check. */
interface ProviderKey {
  kid: string | undefined;
  algorithms: string[];
  verify(token: string): JWTPayload;
}

/**
 * The provider's keys, as a resource server needs them: fetched once (and discovered from the issuer), kept while
 * the provider is down, fetched again for an unknown `kid` at most every 30 s and in the background every 10
 * minutes. A request with a known key never waits for the provider. jose's remote key set does the fetching; the
 * cache policy is ours, because jose's refetches a stale set inside the request and counts its cooldown from the
 * last successful fetch (with the provider down, every forged `kid` would make a request). The checks are
 * fast-jwt's, over node:crypto's synchronous verify: jose's go through WebCrypto's asynchronous one, which cost
 * 0.12 ms of CPU per RS256 token here against fast-jwt's 0.03 ms (docs/benchmarks.md, "A provider's token").
 */
export class OidcKeys {
  private remote: RemoteJWKSet | undefined;
  private keys: ProviderKey[] | undefined;
  private lastAttempt = 0;
  private pending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: OidcSettings,
    private readonly log: Logger,
  ) {}

  /** Fetches the key set now, and keeps it fresh from then on (retrying every 5 s until the first fetch works). */
  start(): void {
    // nothing to fetch from (createAuth warned once): readiness stays 503 rather than a warning every 5 s
    if (!this.settings.issuer && !this.settings.jwksUrl) return;
    const tick = () => {
      void this.refresh().then(
        () => (this.timer = setTimeout(tick, REFRESH_EVERY_MS).unref()),
        (error: unknown) => {
          this.log.warn({ err: error }, "could not fetch the identity provider's keys; trying again");
          this.timer = setTimeout(tick, this.keys ? REFRESH_EVERY_MS : RETRY_EVERY_MS).unref();
        },
      );
    };
    tick();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** Readiness: fails until the key set was fetched once. */
  async ready(): Promise<void> {
    if (!this.keys && this.pending) await this.pending.catch(() => undefined);
    if (!this.keys) throw new Error("the identity provider's keys are not fetched yet");
  }

  /**
   * The token's claims, once one of the keys its header names (`kid`, `alg`) verified its signature and its claims
   * passed the checks of verifyOidcToken. No such key: the set is fetched again, at most every 30 s.
   */
  async verify(token: string): Promise<JWTPayload> {
    let header;
    try {
      header = decodeProtectedHeader(token);
    } catch (error) {
      throw new OidcTokenError(error instanceof Error ? error.message : 'the token has no readable header');
    }
    const { alg, kid } = header;
    // never HS* (a public key is no secret) and never `none`, whatever a key says
    if (typeof alg !== 'string' || !ALGORITHMS.includes(alg)) throw new OidcTokenError(`algorithm ${String(alg)} is not accepted`);
    const matching = () => (this.keys ?? []).filter((key) => key.algorithms.includes(alg) && (kid === undefined || key.kid === kid));
    // the first fetch still on its way (the app just started): wait for it rather than refuse
    if (!this.keys && this.pending) await this.pending.catch(() => undefined);
    let candidates = matching();
    if (candidates.length === 0) {
      if (Date.now() - this.lastAttempt < REFETCH_COOLDOWN_MS)
        throw new OidcTokenError(`no key of the provider matches kid ${String(kid)}`);
      await this.refresh().catch((error: unknown) => this.log.warn({ err: error }, "could not fetch the identity provider's keys"));
      candidates = matching();
      if (candidates.length === 0) throw new OidcTokenError(`no key of the provider matches kid ${String(kid)}`);
    }
    // without a kid, each key of the algorithm is tried, as jose's key sets do
    let refusal: unknown;
    for (const key of candidates) {
      try {
        return key.verify(token);
      } catch (error) {
        refusal = error;
      }
    }
    throw new OidcTokenError(refusal instanceof Error ? refusal.message : 'the token is not valid');
  }

  /** One fetch at a time; a failed one keeps the keys it had. */
  refresh(): Promise<void> {
    this.pending ??= (async () => {
      this.lastAttempt = Date.now();
      this.remote ??= createRemoteJWKSet(new URL(await this.jwksUrl()), {
        timeoutDuration: this.settings.timeoutMs,
        cacheMaxAge: Infinity,
        cooldownDuration: 0,
      });
      await this.remote.reload();
      const jwks = this.remote.jwks();
      if (jwks) this.keys = jwks.keys.flatMap((jwk) => this.providerKey(jwk) ?? []);
    })().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /**
   * A key of the set as a check, or undefined for one that cannot sign tokens we accept: encryption keys (`use`,
   * `key_ops`), other algorithms, a published private key, an RSA key under 2048 bits (jose refuses them too).
   */
  private providerKey(jwk: JWK): ProviderKey | undefined {
    if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
    if (jwk.key_ops !== undefined && !jwk.key_ops.includes('verify')) return undefined;
    const algorithms = algorithmsOf(jwk).filter((alg) => jwk.alg === undefined || jwk.alg === alg);
    if (algorithms.length === 0) return undefined;
    const skip = (why: string, error?: unknown) => {
      this.log.warn({ kid: jwk.kid, ...(error ? { err: error } : {}) }, `skipping a key of the identity provider's key set: ${why}`);
      return undefined;
    };
    if (jwk.d !== undefined) return skip('it carries its private part (the provider published a private key)');
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      const { modulusLength = 0, publicExponent = 0n } = key.asymmetricKeyDetails ?? {};
      if (jwk.kty === 'RSA' && (modulusLength < 2048 || publicExponent < 3n))
        return skip(`an RSA key of ${modulusLength} bits, exponent ${publicExponent}`);
      const verify = createVerifier({
        key: key.export({ type: 'spki', format: 'pem' }).toString(),
        algorithms: algorithms as Algorithm[],
        ...(this.settings.audience ? { allowedAud: this.settings.audience } : {}),
        ...(this.settings.issuer ? { allowedIss: this.settings.issuer } : {}),
        clockTolerance: LEEWAY_SECONDS * 1000,
        // fast-jwt checks aud and iss only when present: they are required here
        requiredClaims: ['sub', 'exp', 'aud', ...(this.settings.issuer ? ['iss'] : [])],
      }) as (token: string) => JWTPayload;
      return { kid: jwk.kid, algorithms, verify };
    } catch (error) {
      return skip('not a valid public key', error);
    }
  }

  /** OIDC_JWKS_URL, or the `jwks_uri` of the issuer's discovery document (whose `issuer` must be OIDC_ISSUER exactly). */
  private async jwksUrl(): Promise<string> {
    if (this.settings.jwksUrl) return this.settings.jwksUrl;
    const issuer = this.settings.issuer;
    if (!issuer) throw new Error('neither OIDC_ISSUER nor OIDC_JWKS_URL is set');
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(this.settings.timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`the discovery document answered ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== issuer) throw new Error(`the discovery document's issuer is ${JSON.stringify(document.issuer)}, not ${issuer}`);
    if (typeof document.jwks_uri !== 'string') throw new Error('the discovery document names no jwks_uri');
    return document.jwks_uri;
  }
}

/** The accepted algorithms a key of this type and curve can sign with. */
function algorithmsOf(jwk: JWK): string[] {
  if (jwk.kty === 'RSA') return ['RS256', 'PS256'];
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return ['ES256'];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return ['EdDSA'];
  return [];
}

/**
 * A provider's access token, verified as contract §4.1 says: its signature by one of the provider's keys (an
 * asymmetric algorithm: never HS*, never `none`), `iss` exactly the issuer, `aud` containing the audience, `exp`
 * in the future and `nbf` and `iat` not (30 s of leeway), a `sub`. Anything else is an OidcTokenError.
 */
export async function verifyOidcToken(token: string, keys: OidcKeys, settings: OidcSettings): Promise<OidcIdentity> {
  if (!settings.audience) throw new OidcTokenError('OIDC_AUDIENCE is not set: no token is accepted');
  let payload: JWTPayload;
  try {
    payload = await keys.verify(token);
  } catch (error) {
    if (error instanceof TokenError || error instanceof errors.JOSEError || error instanceof TypeError)
      throw new OidcTokenError(error.message);
    throw error;
  }
  // the claims §4.1 names, checked here as well as by the verifier, so a library default can never loosen them
  const now = Date.now() / 1000;
  const audience = payload.aud;
  if (!(audience === settings.audience || (Array.isArray(audience) && audience.includes(settings.audience))))
    throw new OidcTokenError('aud does not name this API');
  if (settings.issuer && payload.iss !== settings.issuer) throw new OidcTokenError('iss is not the issuer');
  if (!Number.isFinite(payload.exp) || payload.exp! < now - LEEWAY_SECONDS) throw new OidcTokenError('exp is not a time in the future');
  if (payload.iat !== undefined && (!Number.isFinite(payload.iat) || payload.iat > now + LEEWAY_SECONDS))
    throw new OidcTokenError('iat is not a time in the past');
  if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255)
    throw new OidcTokenError('sub is not a string of 1 to 255 characters');
  const subject = payload.sub;
  const preferred = payload.preferred_username;
  const username = typeof preferred === 'string' && preferred.length > 0 && preferred.length <= 255 ? preferred : subject;
  return { subject, username, roles: rolesAt(payload, settings.rolesClaim), expiresAt: payload.exp! };
}

/**
 * verifyOidcToken, remembering the tokens that passed: a client sends the same access token on every request of
 * its lifetime, and the signature check (RSA or EC) is most of what a request's authentication costs. A remembered
 * token still ends at its `exp` (with the leeway), and is forgotten after 5 minutes, so a key the provider withdrew
 * stops letting its tokens in within that time, as the background refresh notices it. At most 10,000 tokens.
 */
export function cachedVerifier(keys: OidcKeys, settings: OidcSettings): (token: string) => Promise<OidcIdentity> {
  const passed = new Map<string, { identity: OidcIdentity; until: number }>();
  return async (token) => {
    const now = Date.now();
    const known = passed.get(token);
    if (known && known.until > now) return known.identity;
    if (known) passed.delete(token);
    const identity = await verifyOidcToken(token, keys, settings);
    if (passed.size >= CACHED_TOKENS) passed.delete(passed.keys().next().value!);
    passed.set(token, { identity, until: Math.min(now + CACHE_MS, identity.expiresAt * 1000 + LEEWAY_SECONDS * 1000) });
    return identity;
  };
}
const CACHED_TOKENS = 10_000;
const CACHE_MS = 5 * 60_000;

/** The strings at a dot path of the claims (`realm_access.roles`); a space-separated string counts as a list. */
export function rolesAt(claims: JWTPayload, path: string): string[] {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    value =
      value !== null && typeof value === 'object' && Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
}
