import { loadConfigOrExit } from './config.js';
import { loadDotEnv } from './env-file.js';
import { startTracing } from './observability/tracing.js';

loadDotEnv();
const config = loadConfigOrExit({ serving: true });
// OTEL_EXPORTER_OTLP_ENDPOINT set: the OpenTelemetry SDK starts before anything else is imported, as it asks;
// otherwise none of it loads
const tracing = await startTracing(config.tracing);

const { createApp } = await import('./app.js');
const { DATABASE_SYSTEM, openDatabase } = await import('./db/client.js');
const { redactUrl, rootCause } = await import('./db/url.js');
const { createLogger, wantsPrettyLogs } = await import('./logger.js');
const { createMetrics, NO_METRICS } = await import('./observability/metrics.js');
const { startMetricsServer } = await import('./observability/metrics-route.js');
const { combineObservers } = await import('./observability/queries.js');
const { openRedis } = await import('./redis.js');

// with tracing on, every line logged while a request is handled carries its trace_id and span_id
const logger = createLogger({
  level: config.logLevel,
  pretty: wantsPrettyLogs(config.env),
  ...(tracing.enabled ? { fields: tracing.logFields } : {}),
});
// METRICS=true: prom-client is loaded and every query timed; otherwise nothing of it runs
const metrics = config.metrics.enabled ? await createMetrics() : NO_METRICS;
const onQuery = combineObservers(metrics.queries, tracing.queries(DATABASE_SYSTEM));
const database = openDatabase(config.databaseUrl, { ...config.database, ...(onQuery ? { onQuery } : {}) });
try {
  await database.ping();
} catch (error) {
  // one line, and never the password: the URL is shown redacted
  console.error(`database: cannot connect to ${redactUrl(config.databaseUrl)}: ${rootCause(error)}`);
  await database.close();
  process.exit(1);
}
const onCommand = tracing.queries('redis');
const redis = config.redisUrl ? await openRedis(config.redisUrl, { timeoutMs: 500, ...(onCommand ? { onCommand } : {}) }) : undefined;
if (redis && redis.status !== 'ready') logger.warn('Redis is unreachable at start; throttling runs in its failure mode until it answers');
const { SetupError } = await import('./core/errors.js');
let app: ReturnType<typeof createApp>;
try {
  app = createApp({ config, logger, database, redis, metrics, tracing });
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`routes: ${error.message}`);
  await database.close();
  redis?.disconnect();
  process.exit(1);
}

const url = await app.listen(config.port, config.host).catch(async (error: NodeJS.ErrnoException) => {
  // a port another process holds, or one below 1024: one line saying what to change, never a stack
  if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error;
  console.error(
    error.code === 'EADDRINUSE'
      ? `server: port ${config.port} is in use by another process; stop it, or set PORT to a free port` +
          (process.env.npm_lifecycle_event === 'dev' ? ' in .env, then restart npm run dev (Ctrl-C stops its watcher).' : '.')
      : `server: no permission to listen on port ${config.port} (ports below 1024 need privileges); set PORT to 1024 or above.`,
  );
  await database.close();
  redis?.disconnect();
  process.exit(1);
});
// METRICS_PORT: /metrics on a port of its own, never on the API's
const metricsServer =
  metrics.registry && config.metrics.port !== undefined
    ? await startMetricsServer(metrics.registry, config.metrics.port, config.host, { token: config.metrics.token, hsts: config.hsts })
    : undefined;
logger.info({ url, env: config.env, ...(metricsServer ? { metrics: `port ${config.metrics.port}` } : {}) }, 'listening');

/**
 * SIGTERM: stop accepting, answer what is in flight (a new request on an open
 * connection gets a 503 with Retry-After), then close the database and Redis.
 * When the grace period ends, every connection still open is cut: one that
 * never delivered a complete request, its headers or its body, loses nothing
 * (exit 0); a request still running is lost (exit 1, and the log says how many).
 */
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  let exitCode = 0;
  const grace = setTimeout(() => {
    const running = app.running();
    if (running > 0) {
      exitCode = 1;
      logger.error({ requests: running }, 'requests still running at the end of the grace period; cutting them');
    } else {
      logger.warn('connections without a complete request at the end of the grace period; cutting them');
    }
    app.closeAllConnections();
  }, config.shutdownGraceMs);
  await app.close();
  clearTimeout(grace);
  metricsServer?.close();
  await database.close();
  redis?.disconnect();
  // the spans still buffered go to the collector before the process ends; an unreachable one holds it 5 s at most
  const sent = tracing.shutdown().then(
    () => true,
    () => false,
  );
  if (!(await Promise.race([sent, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000).unref())]))) {
    logger.warn('could not send the last spans to the OTLP collector');
  }
  logger.info('stopped');
  process.exit(exitCode);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
