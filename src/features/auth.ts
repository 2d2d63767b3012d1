import type { Feature } from './types.js';
import { pick } from './versions.js';

/** JWT auth: users, refresh-token rotation and blacklist, the token endpoints, GET /me, and the user/token commands. */
export const jwtAuth: Feature = {
  id: 'auth',
  templates: ['features/auth/common', 'features/auth/jwt'],
  dependencies: pick('@node-rs/argon2', 'jose'),
  scripts: {
    'user:create': 'tsx src/cli/user-create.ts',
    'user:promote': 'tsx src/cli/user-role.ts promote',
    'user:demote': 'tsx src/cli/user-role.ts demote',
    'tokens:flush': 'tsx src/cli/tokens-flush.ts',
  },
  tables: ['../auth/tables.js'],
  routes: [{ version: 'v1', name: 'meV1', from: '../auth/me.js' }],
  migrations: [{ tag: '0000_auth', when: 1795783141422 }],
};

/**
 * OpenID Connect (contract §4.1): the API trusts an identity provider's access tokens. No token endpoints and no
 * passwords: a user row is made the first time a token names someone, and GET /me reads it.
 */
export const oidcAuth: Feature = {
  id: 'auth',
  templates: ['features/auth/common', 'features/auth/oidc'],
  dependencies: pick('fast-jwt', 'jose'),
  tables: ['../auth/tables.js'],
  routes: [{ version: 'v1', name: 'meV1', from: '../auth/me.js' }],
  migrations: [{ tag: '0000_auth', when: 1796400000000 }],
  migrationsFrom: 'auth-oidc',
};
