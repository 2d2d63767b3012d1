import { bearerToken } from '../core/auth/bearer.js';
import type { Authenticator } from '../core/pipeline.js';
import type { ApiKeyService } from './service.js';

/** The header a machine client sends its key in; `Authorization: Bearer cpa_...` works too. */
export const API_KEY_HEADER = 'X-API-Key';

/**
 * An API key (`X-API-Key: cpa_...`, or `Authorization: Bearer cpa_...`) is resolved by the key service; any other
 * credential goes on to the user authenticator it wraps. With both headers, the key is the credential.
 */
export function withApiKeys(keys: ApiKeyService, users: Authenticator): Authenticator {
  return async (request) => {
    const header = request.headers['x-api-key'];
    if (header !== undefined) return keys.authenticate(header.trim());
    const authorization = request.headers.authorization;
    if (authorization !== undefined && /^bearer cpa_/i.test(authorization)) return keys.authenticate(bearerToken(authorization)!);
    return users(request);
  };
}
