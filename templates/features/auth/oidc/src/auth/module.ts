import type { Config } from '../config.js';
import { AuthenticationFailed, InvalidToken } from '../core/errors.js';
import { bearerToken } from '../core/auth/bearer.js';
import { cachedVerifier, OidcKeys, OidcTokenError } from '../core/auth/oidc.js';
import type { Credentials } from '../core/openapi.js';
import type { Authenticator } from '../core/pipeline.js';
import type { MountedRoute } from '../core/routes.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { UserRepository } from './repository.js';

/**
 * OpenID Connect wired for the app (contract §4.1): no token endpoints (the provider issues tokens), the
 * authenticator the pipeline calls, how the documents describe it, and the readiness check of the provider's keys.
 */
export function createAuth(deps: { db: Db; config: Config; logger: Logger }): {
  routes: MountedRoute[];
  authenticate: Authenticator;
  credentials: Credentials;
  keys: OidcKeys;
} {
  const { config } = deps;
  const settings = config.oidc;
  if (!settings.audience || !(settings.issuer || settings.jwksUrl)) {
    deps.logger.warn('OIDC_ISSUER (or OIDC_JWKS_URL) and OIDC_AUDIENCE are not both set: every token is refused until they are');
  }
  const keys = new OidcKeys(settings, deps.logger);
  const users = new UserRepository(deps.db);
  const verify = cachedVerifier(keys, settings);
  // a key set found through OIDC_JWKS_URL alone names no issuer: its rows are kept under the key set's URL
  const issuer = settings.issuer ?? settings.jwksUrl ?? '';

  const authenticate: Authenticator = async ({ headers }) => {
    const token = bearerToken(headers.authorization);
    if (token === null) return null;
    let identity;
    try {
      identity = await verify(token);
    } catch (error) {
      if (error instanceof OidcTokenError) throw new InvalidToken();
      throw error;
    }
    const isStaff = identity.roles.includes(settings.staffRole);
    const user = await users.seen({ issuer, subject: identity.subject, username: identity.username, isStaff });
    if (!user.isActive) throw new AuthenticationFailed('User is inactive', 'user_inactive');
    // staff from the token's roles on every request, never from the row
    return { id: user.id, username: identity.username, isStaff };
  };

  const discovery = settings.issuer ? `${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration` : undefined;
  const credentials: Credentials = {
    schemes: {
      // Swagger UI's Authorize takes a pasted token for a bearer scheme; an openIdConnect one tells tools the provider
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from the identity provider' },
      staffBearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `An access token from the identity provider carrying the "${settings.staffRole}" role`,
      },
      ...(discovery ? { oidc: { type: 'openIdConnect', openIdConnectUrl: discovery, description: 'The identity provider' } } : {}),
    },
    requirements: {
      public: [],
      user: [{ bearerAuth: [] }, ...(discovery ? [{ oidc: [] }] : [])],
      staff: [{ staffBearerAuth: [] }, ...(discovery ? [{ oidc: [] }] : [])],
    },
    who: {
      public: 'Anyone may call it.',
      user: 'Needs an access token from the identity provider (`Authorization: Bearer <access>`).',
      staff: `Needs an access token carrying the "${settings.staffRole}" role; anyone else signed in gets 403.`,
    },
  };
  return { routes: [], authenticate, credentials, keys };
}
