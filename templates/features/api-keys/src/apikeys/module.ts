import { UserRepository } from '../auth/repository.js';
import type { Credentials } from '../core/openapi.js';
import type { Authenticator } from '../core/pipeline.js';
import type { Db } from '../db/client.js';
import { API_KEY_HEADER, withApiKeys } from './authenticator.js';
import { ApiKeyRepository } from './repository.js';
import { ApiKeyService } from './service.js';

/**
 * API keys wired for the app: the authenticator that reads a key first, then hands over to the users' one, and
 * the documents' credentials with a key as a second way to call every operation that needs a user.
 */
export function createApiKeys(deps: { db: Db }) {
  const service = new ApiKeyService(new ApiKeyRepository(deps.db), new UserRepository(deps.db));
  return {
    service,
    wrap: (users: Authenticator): Authenticator => withApiKeys(service, users),
    credentials: (users: Credentials): Credentials => ({
      schemes: {
        ...users.schemes,
        apiKeyAuth: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'An API key from npm run apikey:create' },
        staffApiKeyAuth: {
          type: 'apiKey',
          in: 'header',
          name: API_KEY_HEADER,
          description: 'An API key of a staff user, from npm run apikey:create',
        },
      },
      requirements: {
        public: users.requirements.public,
        user: [...users.requirements.user, { apiKeyAuth: [] }],
        staff: [...users.requirements.staff, { staffApiKeyAuth: [] }],
      },
      who: {
        public: users.who.public,
        user: `${users.who.user.replace(/\.$/, '')}, or an API key (\`${API_KEY_HEADER}: cpa_...\`).`,
        staff: users.who.staff.replace("a staff user's access token", "a staff user's access token or API key"),
      },
    }),
  };
}
