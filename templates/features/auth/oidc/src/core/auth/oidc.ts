import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type RemoteJWKSet,
} from 'jose';
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
export const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
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

/**
 * The provider's keys, as a resource server needs them: fetched once (and discovered from the issuer), kept while
 * the provider is down, fetched again for an unknown `kid` at most every 30 s and in the background every 10
 * minutes. A request with a known key never waits for the provider. Built on jose's remote key set for the
 * fetching; the cache policy is ours, because jose's refetches a stale set inside the request and counts its
 * cooldown from the last successful fetch (with the provider down, every forged `kid` would make a request).
 */
export class OidcKeys {
  private remote: RemoteJWKSet | undefined;
  private local: { jwks: JSONWebKeySet; resolve: JWTVerifyGetKey } | undefined;
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
          this.timer = setTimeout(tick, this.local ? REFRESH_EVERY_MS : RETRY_EVERY_MS).unref();
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
    if (!this.local && this.pending) await this.pending.catch(() => undefined);
    if (!this.local) throw new Error("the identity provider's keys are not fetched yet");
  }

  /** The key a token names; an unknown `kid` fetches the set again, at most every 30 s. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    // the first fetch still on its way (the app just started): wait for it rather than refuse
    if (!this.local && this.pending) await this.pending.catch(() => undefined);
    if (this.local) {
      try {
        return await this.local.resolve(header, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - this.lastAttempt < REFETCH_COOLDOWN_MS) throw error;
      }
    } else if (Date.now() - this.lastAttempt < REFETCH_COOLDOWN_MS) {
      throw new OidcTokenError("the identity provider's keys are not known yet");
    }
    await this.refresh().catch((error: unknown) => this.log.warn({ err: error }, "could not fetch the identity provider's keys"));
    if (!this.local) throw new OidcTokenError("the identity provider's keys are not known yet");
    return this.local.resolve(header, token);
  };

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
      if (jwks) this.local = { jwks, resolve: createLocalJWKSet(jwks) };
    })().finally(() => (this.pending = undefined));
    return this.pending;
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

/**
 * A provider's access token, verified as contract §4.1 says: its signature by one of the provider's keys (an
 * asymmetric algorithm: never HS*, never `none`), `iss` exactly the issuer, `aud` containing the audience, `exp`
 * in the future and `nbf` and `iat` not (30 s of leeway), a `sub`. Anything else is an OidcTokenError.
 */
export async function verifyOidcToken(token: string, keys: OidcKeys, settings: OidcSettings): Promise<OidcIdentity> {
  if (!settings.audience) throw new OidcTokenError('OIDC_AUDIENCE is not set: no token is accepted');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys.getKey, {
      algorithms: ALGORITHMS,
      ...(settings.issuer ? { issuer: settings.issuer } : {}),
      audience: settings.audience,
      clockTolerance: LEEWAY_SECONDS,
      requiredClaims: ['sub', 'exp'],
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError || error instanceof OidcTokenError || error instanceof TypeError)
      throw new OidcTokenError(error.message);
    throw error;
  }
  if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + LEEWAY_SECONDS)
    throw new OidcTokenError('token issued in the future');
  const subject = payload.sub!;
  if (subject.length === 0 || subject.length > 255) throw new OidcTokenError('sub is empty or longer than 255 characters');
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
