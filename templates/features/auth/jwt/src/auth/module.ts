import type { Config } from '../config.js';
import { TokenSigner } from '../core/auth/tokens.js';
import type { Authenticator } from '../core/pipeline.js';
import type { MountedRoute } from '../core/routes.js';
import { API_PREFIX } from '../core/versioning.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import { RefreshTokenRepository, UserRepository } from './repository.js';
import { bearerAuthenticator, tokenRoutes } from './routes.js';
import { AuthService } from './service.js';

/** JWT auth wired for the app: the unversioned token endpoints and the authenticator the pipeline calls. */
export function createAuth(deps: { db: Db; config: Config; logger: Logger }): {
  routes: MountedRoute[];
  authenticate: Authenticator;
  service: AuthService;
} {
  const { db, config } = deps;
  if (config.jwt.secretIsEphemeral) {
    deps.logger.warn(
      'JWT_SECRET is not set: tokens are signed with a random secret and end with this process; set it in .env to keep them',
    );
  }
  const service = new AuthService(
    new UserRepository(db),
    new RefreshTokenRepository(db),
    new TokenSigner(config.jwt),
    config.jwt.reuseGraceSeconds,
  );
  const routes = tokenRoutes(service, {
    enabled: config.authCookies,
    accessTtlSeconds: config.jwt.accessTtlSeconds,
    refreshTtlSeconds: config.jwt.refreshTtlSeconds,
  }).map((route) => ({ route, path: `${API_PREFIX}${route.path}`, version: null }));
  return { routes, authenticate: bearerAuthenticator(service, config.authCookies), service };
}
