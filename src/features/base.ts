import type { Feature } from './types.js';
import { pick } from './versions.js';

/** What every project has: the framework-agnostic core, config, logging, tests, tooling. */
export const base: Feature = {
  id: 'base',
  templates: ['base'],
  dependencies: pick(
    '@opentelemetry/api',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/exporter-trace-otlp-proto',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-trace-node',
    'drizzle-orm',
    'ioredis',
    'pino',
    'prom-client',
    'proxy-addr',
    'secure-json-parse',
    'swagger-ui-dist',
    'zod',
  ),
  devDependencies: pick(
    '@eslint/js',
    '@types/node',
    '@types/proxy-addr',
    'drizzle-kit',
    'eslint',
    'globals',
    'openapi-fetch',
    'openapi-typescript',
    'pino-pretty',
    'prettier',
    'tsx',
    'typescript',
    'typescript-eslint',
    'vitest',
  ),
};
