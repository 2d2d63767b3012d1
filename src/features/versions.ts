/**
 * Every dependency range a generated project can get, in one place. TypeScript
 * stays on 6.x: 7.x breaks tools that import the compiler API (drizzle-kit,
 * ts-morph). better-sqlite3 stays on 12: 13 crashes on Node 20. OpenTelemetry
 * stays on SDK 2.x (exporters 0.2xx): 3.x requires Node 22.15. ESLint stays on 9: 10 requires Node 20.19.
 */
export const VERSIONS = {
  '@fastify/compress': '^9.2.0',
  '@eslint/js': '^9.39.5',
  '@opentelemetry/api': '^1.9.0',
  '@opentelemetry/exporter-trace-otlp-http': '^0.223.1',
  '@opentelemetry/exporter-trace-otlp-proto': '^0.223.1',
  '@opentelemetry/resources': '^2.12.1',
  '@opentelemetry/sdk-trace-node': '^2.12.1',
  '@node-rs/argon2': '^2.0.2',
  '@hono/node-server': '^2.1.9',
  '@types/compression': '^1.8.1',
  '@types/express': '^5.0.4',
  '@types/proxy-addr': '^2.0.3',
  '@types/better-sqlite3': '^7.6.13',
  '@types/node': '^20.19.0',
  '@types/pg': '^8.15.6',
  'better-sqlite3': '^12.9.0',
  compression: '^1.8.1',
  'drizzle-kit': '^0.31.11',
  'drizzle-orm': '^0.45.4',
  eslint: '^9.39.4',
  express: '^5.2.1',
  'fast-jwt': '^6.3.6',
  fastify: '^5.12.8',
  globals: '^17.15.0',
  ioredis: '^6.0.0',
  hono: '^4.10.4',
  jose: '^6.2.18',
  mysql2: '^3.15.3',
  pg: '^8.16.3',
  'openapi-fetch': '^0.17.0',
  'openapi-typescript': '^7.13.0',
  'pino-pretty': '^13.1.0',
  pino: '^10.4.0',
  prettier: '^3.10.1',
  'prom-client': '^15.1.3',
  'proxy-addr': '^2.0.7',
  'secure-json-parse': '^4.1.0',
  'swagger-ui-dist': '^5.32.0',
  tsx: '^4.23.15',
  typescript: '~6.0.3',
  'typescript-eslint': '^8.74.0',
  vitest: '^4.1.12',
  zod: '^4.6.7',
} as const;

export type PackageName = keyof typeof VERSIONS;

/** `pick('zod', 'pino')` -> `{ zod: '^4…', pino: '^10…' }` */
export function pick(...names: PackageName[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, VERSIONS[name]]));
}
