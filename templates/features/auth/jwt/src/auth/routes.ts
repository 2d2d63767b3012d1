import { z } from 'zod';
import { ValidationError } from '../core/errors.js';
import { bearerToken } from '../core/auth/bearer.js';
import { defineRoute, HttpResult, type RouteDef } from '../core/routes.js';
import type { AuthService, TokenPair } from './service.js';

const pair = z.object({ access: z.string(), refresh: z.string() });

export interface CookieSettings {
  enabled: boolean;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

/** Answers that carry tokens are never stored by a cache on the way (RFC 6749 §5.1). */
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

const ACCESS_COOKIE = 'access_token';
const REFRESH_COOKIE = 'refresh_token';

function cookie(name: string, value: string, path: string, maxAge: number): string {
  return `${name}=${encodeURIComponent(value)}; Path=${path}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=Strict`;
}

/** POST /api/token, /api/token/refresh and /api/token/blacklist, as simplejwt serves them. */
export function tokenRoutes(auth: AuthService, cookies: CookieSettings): RouteDef[] {
  const withCookies = (tokens: TokenPair) =>
    cookies.enabled
      ? new HttpResult(200, tokens, {
          'Set-Cookie': [
            cookie(ACCESS_COOKIE, tokens.access, '/', cookies.accessTtlSeconds),
            cookie(REFRESH_COOKIE, tokens.refresh, '/api/token', cookies.refreshTtlSeconds),
          ],
        })
      : tokens;

  // A browser client sends its refresh token as a cookie; an API client in the body, where it is then required.
  const refreshBody = cookies.enabled ? z.object({ refresh: z.string().optional() }) : z.object({ refresh: z.string() });
  const refreshTokenOf = (body: { refresh?: string }, jar: Record<string, string>): string => {
    const token = body.refresh ?? (cookies.enabled ? jar[REFRESH_COOKIE] : undefined);
    if (token === undefined) throw ValidationError.field('refresh', 'This field is required.');
    return token;
  };

  return [
    defineRoute({
      method: 'POST',
      path: '/token',
      access: 'public',
      authenticate: false,
      // per address, and per account: guesses spread over many addresses still meet the second
      throttle: [{ scope: 'login' }, { scope: 'login_user', byBodyField: 'username' }],
      headers: NO_STORE,
      body: z.object({ username: z.string(), password: z.string() }),
      response: pair,
      summary: 'Obtain an access and a refresh token',
      operationId: 'obtainToken',
      answers: { 401: 'No active account with these credentials' },
      schemaNames: { body: 'TokenObtainRequest', response: 'TokenPair' },
      tags: ['auth'],
      handler: async ({ body }) => withCookies(await auth.login(body.username, body.password)),
    }),
    defineRoute({
      method: 'POST',
      path: '/token/refresh',
      access: 'public',
      authenticate: false,
      // its own scope: a throttled login never blocks a refresh
      throttle: { scope: 'refresh' },
      headers: NO_STORE,
      body: refreshBody,
      response: pair,
      summary: 'Exchange a refresh token for a new pair; the one sent is blacklisted',
      operationId: 'refreshToken',
      answers: { 401: 'The refresh token is not valid: expired, blacklisted or malformed' },
      schemaNames: { body: 'TokenRefreshRequest', response: 'TokenPair' },
      tags: ['auth'],
      handler: async ({ body, cookies: jar, log }) => withCookies(await auth.refresh(refreshTokenOf(body, jar), log)),
    }),
    defineRoute({
      method: 'POST',
      path: '/token/blacklist',
      access: 'public',
      authenticate: false,
      body: refreshBody,
      response: z.object({}),
      summary: 'Log out: blacklist a refresh token',
      operationId: 'blacklistToken',
      answers: { 401: 'The refresh token is not valid: expired, blacklisted or malformed' },
      schemaNames: { body: 'TokenBlacklistRequest', response: 'TokenBlacklistResponse' },
      tags: ['auth'],
      handler: async ({ body, cookies: jar, log }) => {
        await auth.logout(refreshTokenOf(body, jar), log);
        if (!cookies.enabled) return {};
        return new HttpResult(
          200,
          {},
          {
            'Set-Cookie': [cookie(ACCESS_COOKIE, '', '/', 0), cookie(REFRESH_COOKIE, '', '/api/token', 0)],
          },
        );
      },
    }),
  ];
}

/** Resolves the caller from `Authorization: Bearer <access>` (or, with cookies on, the access cookie). */
export function bearerAuthenticator(auth: AuthService, cookiesEnabled: boolean) {
  return async ({ headers, cookies }: { headers: Record<string, string | undefined>; cookies: Record<string, string> }) => {
    if (headers.authorization) {
      const token = bearerToken(headers.authorization);
      return token === null ? null : auth.authenticate(token);
    }
    const cookie = cookiesEnabled ? cookies[ACCESS_COOKIE] : undefined;
    return cookie ? auth.authenticate(cookie) : null;
  };
}
