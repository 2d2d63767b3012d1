import { createApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { openDatabase } from './db/client.js';
import { redactUrl, rootCause } from './db/url.js';
import { loadDotEnv } from './env-file.js';
import { createLogger, wantsPrettyLogs } from './logger.js';
import { createMetrics, NO_METRICS } from './observability/metrics.js';
import { startMetricsServer } from './observability/metrics-route.js';
import { openRedis } from './redis.js';

loadDotEnv();
const config = loadConfigOrExit({ serving: true });
const logger = createLogger({ level: config.logLevel, pretty: wantsPrettyLogs(config.env) });
// METRICS=true: prom-client is loaded and every query timed; otherwise nothing of it runs
const metrics = config.metrics.enabled ? await createMetrics() : NO_METRICS;
const database = openDatabase(config.databaseUrl, { ...config.database, ...(metrics.registry ? { onQuery: metrics.query } : {}) });
try {
  await database.ping();
} catch (error) {
  // one line, and never the password: the URL is shown redacted
  console.error(`database: cannot connect to ${redactUrl(config.databaseUrl)}: ${rootCause(error)}`);
  await database.close();
  process.exit(1);
}
const redis = config.redisUrl ? await openRedis(config.redisUrl, { timeoutMs: 500 }) : undefined;
if (redis && redis.status !== 'ready') logger.warn('Redis is unreachable at start; throttling runs in its failure mode until it answers');
const app = createApp({ config, logger, database, redis, metrics });

const url = await app.listen(config.port, config.host);
// METRICS_PORT: /metrics on a port of its own, never on the API's
const metricsServer =
  metrics.registry && config.metrics.port !== undefined
    ? await startMetricsServer(metrics.registry, config.metrics.port, config.host, config.metrics.token)
    : undefined;
logger.info({ url, env: config.env, ...(metricsServer ? { metrics: `port ${config.metrics.port}` } : {}) }, 'listening');

/**
 * SIGTERM: stop accepting, answer what is in flight (a new request on an open
 * connection gets a 503 with Retry-After), then close the database and Redis.
 * When the grace period ends, every connection still open is cut: one that
 * never delivered a complete request loses nothing (exit 0); a request still
 * running is lost (exit 1, and the log says how many).
 */
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  let exitCode = 0;
  const grace = setTimeout(() => {
    const running = app.inFlight();
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
  logger.info('stopped');
  process.exit(exitCode);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
