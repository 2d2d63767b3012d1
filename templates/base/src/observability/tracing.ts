// OpenTelemetry traces, on when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: a
// server span per request named by its route pattern, with the API version and the signed-in user; a child span
// per database query and Redis command; the W3C traceparent of the caller continued; the trace id in every log
// line written while a request is handled. Off, this file is all that loads: every hook is an empty function and
// the OpenTelemetry SDK is never imported (tracing-sdk.ts holds everything that needs it).
//
// The spans are made here, by the adapters' and drivers' own hooks (the ones the metrics use), not by the SDK's
// auto-instrumentations: those patch modules as they load, need a loader hook for ES modules, and cover Express
// and Fastify but neither Hono nor better-sqlite3. One hook on the Node server gives every framework the same span.
import type { IncomingMessage, Server } from 'node:http';
import type { QueryObserver } from './queries.js';

/** what a client span talks to: the database (its `db.system.name`) or Redis */
export type ClientSystem = 'postgresql' | 'mysql' | 'sqlite' | 'redis';

export interface Tracing {
  readonly enabled: boolean;
  /**
   * Gives every request `server` receives a server span, active while the framework handles it (so the spans of
   * its queries are its children) and ended when its response has gone out. Call before it listens.
   */
  instrument(server: Server): void;
  /** the route pattern that answered `request`, read when its response has gone out (as the metrics read it) */
  route(request: IncomingMessage, routeOf: () => string | undefined): void;
  /** the signed-in user of the request being handled, on its server span */
  user(id: string): void;
  /**
   * A span per database query (told its SQL) or Redis command (told only the command's name: its arguments hold
   * keys and values), a child of the request's span; undefined when off, so the driver wraps nothing.
   */
  queries(system: ClientSystem): QueryObserver | undefined;
  /** the trace and span ids for a log line written now (none outside a request, or when off) */
  logFields(): Record<string, string>;
  /** sends the spans still buffered; the server awaits it before it exits */
  shutdown(): Promise<void>;
}

const nothing = () => undefined;
export const NO_TRACING: Tracing = {
  enabled: false,
  instrument: nothing,
  route: nothing,
  user: nothing,
  queries: nothing,
  logFields: () => ({}),
  shutdown: async () => undefined,
};

export interface TracingSettings {
  readonly enabled: boolean;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL: how spans travel to the collector */
  readonly protocol: 'http/protobuf' | 'http/json';
  /** the service name when OTEL_SERVICE_NAME does not give one */
  readonly serviceName: string;
}

/**
 * The tracing the server runs with: the SDK started (before the app is imported: server.ts) when it is on, else
 * NO_TRACING without loading any of it.
 */
export async function startTracing(settings: TracingSettings): Promise<Tracing> {
  if (!settings.enabled) return NO_TRACING;
  const { createTracing } = await import('./tracing-sdk.js');
  return createTracing(settings);
}
