import { AuthenticationFailed } from '../errors.js';

/**
 * The token of an `Authorization: Bearer <token>` header: null when there is no header or another scheme (Basic: no
 * caller), a 401 `bad_authorization_header` when it is not two space-delimited values. Every authenticator reads
 * the header here: our own tokens, a provider's, an API key sent as a Bearer token.
 */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, token, ...rest] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer') return null;
  if (!token || rest.length > 0) {
    throw new AuthenticationFailed('Authorization header must contain two space-delimited values', 'bad_authorization_header');
  }
  return token;
}
