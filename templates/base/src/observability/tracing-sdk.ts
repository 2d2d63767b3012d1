// The OpenTelemetry SDK behind tracing.ts, imported only when tracing is on. It follows the standard OTEL_*
// variables: the exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS, _TIMEOUT and _COMPRESSION, the
// provider OTEL_TRACES_SAMPLER(_ARG) and the span limits, the batch processor OTEL_BSP_*, the resource
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the protocol (OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL) picks the
// exporter here (config.ts refuses grpc, which would need a gRPC stack this project does not carry).
import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ClientSystem, Tracing, TracingSettings } from './tracing.js';

/** the request's server span, kept in its context: a query's span or the user may come while another is active */
const SERVER_SPAN = createContextKey('create-prod-api server span');
const VERSION = /^\/api\/(v\d+)(?:\/|$)/;
/** the statement's first word (SELECT, INSERT, BEGIN, ...): the span's name, never the values */
const OPERATION = /^\s*([A-Za-z]+)/;

/**
 * Starts the SDK and registers it (the context manager that carries a request's span through its async work, the
 * W3C trace-context propagator). `processor` replaces the OTLP exporter's batch processor (a test's in-memory one).
 */
export function createTracing(settings: TracingSettings, processor?: SpanProcessor): Tracing {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': settings.serviceName }))
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the package's name
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor ?? new BatchSpanProcessor(exporterFor(settings))] });
  provider.register();
  const tracer = provider.getTracer('http-server');
  const routes = new WeakMap<IncomingMessage, () => string | undefined>();

  /** the request's span, active while the framework handles it; ended once the response has gone out (or the client left) */
  const serve = (request: IncomingMessage, response: ServerResponse, handle: () => void) => {
    const method = request.method ?? 'GET';
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          // the path only: a query string may carry what a trace store should not keep
          'url.path': (request.url ?? '/').split('?')[0]!,
          'url.scheme': 'http',
          'network.protocol.version': request.httpVersion,
          ...(request.headers['user-agent'] ? { 'user_agent.original': request.headers['user-agent'] } : {}),
        },
      },
      parent,
    );
    const active = trace.setSpan(parent, span).setValue(SERVER_SPAN, span);
    // the body's 'data' and the response's 'finish' run in the request's context too (the socket's, otherwise)
    context.bind(active, request);
    context.bind(active, response);
    response.once('close', () => {
      const route = routes.get(request)?.();
      const status = response.statusCode;
      span.updateName(route ? `${method} ${route}` : method);
      const attributes: Attributes = { 'http.response.status_code': status };
      if (route) attributes['http.route'] = route;
      const version = route && VERSION.exec(route)?.[1];
      if (version) attributes['api.version'] = version;
      span.setAttributes(attributes);
      if (!response.writableFinished) {
        span.setAttribute('error.type', 'aborted');
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the response was complete' });
      } else if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    context.with(active, handle);
  };

  return {
    enabled: true,
    instrument(server) {
      for (const listener of server.listeners('request') as RequestListener[]) {
        server.removeListener('request', listener);
        server.on('request', (request: IncomingMessage, response: ServerResponse) =>
          serve(request, response, () => listener.call(server, request, response)),
        );
      }
    },
    route: (request, routeOf) => routes.set(request, routeOf),
    user(id) {
      const span = context.active().getValue(SERVER_SPAN) as Span | undefined;
      span?.setAttributes({ 'enduser.id': id, 'user.id': id });
    },
    queries: (system) => (statement) => clientSpan(tracer, system, statement, context.active()),
    logFields(): Record<string, string> {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const { traceId, spanId, traceFlags } = span.spanContext();
      return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
    },
    shutdown: () => provider.shutdown(),
  };
}

function exporterFor(settings: TracingSettings): SpanExporter {
  return settings.protocol === 'http/json' ? new OtlpJsonExporter() : new OtlpProtobufExporter();
}

const noEnd = () => undefined;

/**
 * A query's or a Redis command's span, a child of `parent`'s; the returned function ends it. Outside a request (the
 * migrations at start, Redis's own handshake) there is no span: a trace of its own for each would only be noise.
 */
function clientSpan(
  tracer: ReturnType<NodeTracerProvider['getTracer']>,
  system: ClientSystem,
  statement: string | undefined,
  parent: Context,
): (error?: unknown) => void {
  if (parent.getValue(SERVER_SPAN) === undefined) return noEnd;
  const operation = statement ? (OPERATION.exec(statement)?.[1]?.toUpperCase() ?? system) : system;
  const attributes: Attributes = { 'db.system': system, 'db.system.name': system, 'db.operation.name': operation };
  // SQL as the driver got it: placeholders, never the values (drizzle always sends them apart)
  if (system !== 'redis' && statement) attributes['db.query.text'] = statement;
  const span = tracer.startSpan(operation, { kind: SpanKind.CLIENT, attributes }, parent);
  return (error) => {
    if (error !== undefined) {
      span.setAttribute('error.type', error instanceof Error ? error.name : 'error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
  };
}
