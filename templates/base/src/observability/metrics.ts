// Prometheus metrics (prom-client), on when METRICS=true: requests by method,
// route pattern, version and status class, with their duration; throttle
// refusals by scope; failed authentications by reason; database query time;
// the process's own (CPU, memory, event loop lag, GC). Off, every hook is an
// empty function and prom-client is never loaded.
//
// Labels are bounded by construction: a method outside the HTTP set is OTHER, a
// route is the pattern a route was registered with (never the path a client
// sent) or "unmatched", a version is read from that pattern, a status is its class.
import type { Histogram, Counter, Registry } from 'prom-client';
import type { QueryObserver } from './queries.js';

export interface Metrics {
  /** a response went out; `route` is the pattern the framework matched, undefined when none did */
  request(method: string, route: string | undefined, status: number, seconds: number): void;
  /** a request refused by a throttle scope (a 429) */
  throttled(scope: string): void;
  /** a credential refused: an invalid token, a bad password, ... (`reason` is the API's error code) */
  authFailed(reason: string): void;
  /** times each database query (or statement); undefined when metrics are off */
  readonly queries?: QueryObserver;
  /** the text exposition; undefined when metrics are off */
  readonly registry?: Registry;
}

const noop = () => undefined;
export const NO_METRICS: Metrics = { request: noop, throttled: noop, authFailed: noop };

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const VERSION = /^\/api\/(v\d+)(?:\/|$)/;
/** A label value we did not make ourselves (a scope, a reason) is kept only in this shape. */
const NAME = /^[a-z][a-z0-9_-]{0,39}$/i;

/** The metrics, with prom-client loaded; call once per process (tests: once per app, each with its own registry). */
export async function createMetrics(): Promise<Metrics> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  // the event loop's delay sampled every 100 ms, not prom-client's 10: a timer firing 100 times a second is a known
  // cost (prom-client issue #523); bench/metrics.ts could not separate its share from its own noise
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  const requests: Counter<'method' | 'route' | 'version' | 'status_class'> = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern, API version and status class',
    labelNames: ['method', 'route', 'version', 'status_class'],
    registers: [registry],
  });
  const durations: Histogram<'method' | 'route' | 'version' | 'status_class'> = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request to its response, by method, route pattern, API version and status class',
    labelNames: ['method', 'route', 'version', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const throttled = new client.Counter({
    name: 'throttle_refusals_total',
    help: 'Requests refused with 429, by throttle scope',
    labelNames: ['scope'],
    registers: [registry],
  });
  const authFailures = new client.Counter({
    name: 'auth_failures_total',
    help: 'Credentials refused, by reason (the API error code)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const queries = new client.Histogram({
    name: 'db_query_duration_seconds',
    help: 'Time each database query took',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });

  // One counter and one histogram child per series, made on its first response: its label values (the version read
  // from the route) are worked out once, not per request. Bounded as the labels are: methods, route patterns, 5 classes.
  const series = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<string> }>();
  return {
    registry,
    request(method, route, status, seconds) {
      const known = METHODS.has(method) ? method : 'OTHER';
      const statusClass = `${Math.floor(status / 100)}xx`;
      const key = `${known} ${statusClass} ${route ?? ''}`;
      let children = series.get(key);
      if (!children) {
        const labels = {
          method: known,
          route: route ?? 'unmatched',
          version: (route && VERSION.exec(route)?.[1]) ?? 'none',
          status_class: statusClass,
        };
        children = { count: requests.labels(labels), duration: durations.labels(labels) };
        series.set(key, children);
      }
      children.count.inc();
      children.duration.observe(seconds);
    },
    throttled: (scope) => throttled.inc({ scope: NAME.test(scope) ? scope : 'other' }),
    authFailed: (reason) => authFailures.inc({ reason: NAME.test(reason) ? reason : 'other' }),
    queries: () => {
      const startedAt = process.hrtime.bigint();
      return () => queries.observe(secondsSince(startedAt));
    },
  };
}

/** Seconds since `startedAt` (process.hrtime.bigint()). */
export const secondsSince = (startedAt: bigint) => Number(process.hrtime.bigint() - startedAt) / 1e9;
