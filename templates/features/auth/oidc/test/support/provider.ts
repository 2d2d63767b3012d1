import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/**
 * An OpenID provider for the tests, as Keycloak or Auth0 would be to the API: a discovery document and a key set
 * over HTTP, and tokens signed with its keys. It can rotate its key, go down and come back, and counts the key set
 * fetches (the API's refetch cooldown is tested by them).
 */
export interface TestProvider {
  issuer: string;
  audience: string;
  /** an access token for the claims given; `options` make the bad ones the refusal tests need */
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** a new signing key (a new `kid`), published beside the old one; later tokens are signed with it */
  rotate(): Promise<void>;
  /** while down, the provider answers nothing but 503 */
  down: boolean;
  /** key set fetches so far */
  fetches: number;
  /** the public key of the current signing key, as the key set publishes it */
  publicJwk(): JWK;
  close(): Promise<void>;
}

export interface SignOptions {
  /** seconds from now; negative: already expired */
  expiresIn?: number;
  notBefore?: number;
  issuedAt?: number;
  issuer?: string;
  audience?: string | string[];
  /** a kid the key set does not have */
  kid?: string;
  /** claims left out (a token some other client of the provider got) */
  omit?: ('aud' | 'iss')[];
}

/** the algorithms contract §4.1 accepts; a provider signs with one */
export type ProviderAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA';

interface SigningKey {
  kid: string;
  alg: ProviderAlgorithm;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(alg: ProviderAlgorithm): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomUUID();
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function startProvider(audience = 'test-api', alg: ProviderAlgorithm = 'RS256'): Promise<TestProvider> {
  const keys: SigningKey[] = [await newKey(alg)];
  const provider: TestProvider = {
    issuer: '',
    audience,
    down: false,
    fetches: 0,
    async sign(claims, options = {}) {
      const key = keys.at(-1)!;
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT' })
        .setExpirationTime(now + (options.expiresIn ?? 300));
      if (!options.omit?.includes('iss')) jwt.setIssuer(options.issuer ?? provider.issuer);
      if (!options.omit?.includes('aud')) jwt.setAudience(options.audience ?? audience);
      // an iat of the claims' own (of the wrong type, for a refusal) is kept
      if (!('iat' in claims)) jwt.setIssuedAt(now + (options.issuedAt ?? 0));
      if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
      return jwt.sign(key.privateKey);
    },
    async rotate() {
      keys.push(await newKey(alg));
    },
    publicJwk: () => keys.at(-1)!.jwk,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request, response) => {
    if (provider.down) return void response.writeHead(503).end();
    const json = (body: unknown) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/.well-known/openid-configuration') return json({ issuer: provider.issuer, jwks_uri: `${provider.issuer}/jwks` });
    if (request.url === '/jwks') {
      provider.fetches += 1;
      return json({ keys: keys.map((key) => key.jwk) });
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const address = server.address();
  provider.issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return provider;
}

let shared: Promise<TestProvider> | undefined;

/** The provider every test app of this process trusts (startTestApp points OIDC_ISSUER at it). */
export function testProvider(): Promise<TestProvider> {
  shared ??= startProvider();
  return shared;
}
