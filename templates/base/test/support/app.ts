import { randomUUID } from 'node:crypto';
import type { RouteDeps } from '../../src/api/deps.js';
import { createApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { HttpApp } from '../../src/core/http.js';
import type { VersionRegistry } from '../../src/core/versioning.js';
import { DATABASE_SYSTEM, openDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrator.js';
import { RedisThrottleStore } from '../../src/core/throttle-redis.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { combineObservers } from '../../src/observability/queries.js';
import type { Tracing } from '../../src/observability/tracing.js';
import { openRedis } from '../../src/redis.js';
import { createTestDatabase } from './database.js';

export interface TestApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  config: Config;
  database: Database;
  /** the HTTP app itself: its shutdown (close, inFlight, closeAllConnections) */
  http: HttpApp;
  /** with METRICS=true, the app's metrics */
  metrics?: Metrics;
  /** fetch against the app; a plain object body is sent as JSON */
  request(path: string, init?: Omit<RequestInit, 'body'> & { body?: unknown; token?: string }): Promise<Response>;
  close(): Promise<void>;
}

/** Generous limits, so only the throttling tests ever meet a 429. */
const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  THROTTLE_ANON: '100000/minute',
  THROTTLE_USER: '100000/minute',
  THROTTLE_LOGIN: '100000/minute',
  THROTTLE_LOGIN_USER: '100000/minute',
  THROTTLE_REFRESH: '100000/minute',
};

/**
 * The whole app on a fresh, migrated database, listening on a free port and
 * called over real HTTP: the same way for every framework the project may use.
 */
export async function startTestApp(
  options: {
    env?: Record<string, string>;
    registry?: VersionRegistry<RouteDeps>;
    nativeRoutes?: AppDeps['nativeRoutes'];
    /** OpenTelemetry, as server.ts starts it (test/tracing.test.ts gives one that keeps the spans in memory) */
    tracing?: Tracing;
  } = {},
): Promise<TestApp> {
  const testDatabase = await createTestDatabase();
  const config = loadConfig({ ...TEST_ENV, DATABASE_URL: testDatabase.url, ...options.env });
  // METRICS=true: the app's own metrics, every query timed, as server.ts makes them
  const metrics = config.metrics.enabled ? await createMetrics() : undefined;
  const onQuery = combineObservers(metrics?.queries, options.tracing?.queries(DATABASE_SYSTEM));
  const database = openDatabase(config.databaseUrl, { ...config.database, ...(onQuery ? { onQuery } : {}) });
  await runMigrations(database.db);
  // with REDIS_URL set, throttle counts live in Redis, as in a scaled-out deployment (each app its own key prefix)
  const onCommand = options.tracing?.queries('redis');
  const redis = config.redisUrl ? await openRedis(config.redisUrl, { timeoutMs: 1000, ...(onCommand ? { onCommand } : {}) }) : undefined;
  const throttleStore = redis ? new RedisThrottleStore(redis, `test:${randomUUID()}:`) : undefined;
  const app = createApp({
    config,
    logger: createLogger({ level: 'silent' }),
    database,
    registry: options.registry,
    redis,
    throttleStore,
    nativeRoutes: options.nativeRoutes,
    metrics,
    tracing: options.tracing,
  });
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    config,
    database,
    http: app,
    metrics,
    request: (path, init = {}) => {
      const { body, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      const isRaw = typeof body === 'string' || body instanceof Uint8Array;
      if (body !== undefined && !isRaw && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
      return fetch(`${url}${path}`, {
        ...rest,
        headers,
        body: body === undefined ? undefined : isRaw ? (body as string) : JSON.stringify(body),
      });
    },
    close: async () => {
      await app.close();
      await database.close();
      redis?.disconnect();
      await testDatabase.drop();
    },
  };
}

/** The error envelope every non-2xx response carries. */
export async function envelope(response: Response): Promise<{ status: string; code: number; errors: Record<string, unknown> }> {
  return (await response.json()) as { status: string; code: number; errors: Record<string, unknown> };
}
