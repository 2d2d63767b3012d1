// Traces, end to end: the built server started with OTEL_EXPORTER_OTLP_ENDPOINT pointed at a small OTLP/HTTP
// receiver started here on 127.0.0.1; requests sent with a W3C traceparent; the spans the SDK exports are read
// from the wire, in either encoding OTLP/HTTP has: protobuf (the default) or JSON (OTEL_EXPORTER_OTLP_PROTOCOL).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { expect } from 'vitest';
import { freePort, startServer, stopServer } from './support.js';

/** One span as the receiver keeps it: ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 2 server, 3 client */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  status: { code?: number };
  service: string;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: (Omit<ReceivedSpan, 'attributes' | 'service'> & { attributes?: OtlpAttribute[] })[] }[];
  }[];
}

const valueOf = (value: OtlpValue) =>
  value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? ''));
const attributesOf = (list: OtlpAttribute[] = []) => Object.fromEntries(list.map((item) => [item.key, valueOf(item.value)]));

/** A protobuf message's fields by number: varints as bigint, length-delimited as bytes, fixed as raw bytes. */
function protoFields(bytes: Uint8Array): Map<number, (bigint | Uint8Array)[]> {
  const fields = new Map<number, (bigint | Uint8Array)[]>();
  let at = 0;
  const varint = () => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = bytes[at++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const tag = Number(varint());
    const [field, wire] = [tag >>> 3, tag & 7];
    let value: bigint | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const length = Number(varint());
      value = bytes.subarray(at, at + length);
      at += length;
    } else if (wire === 1 || wire === 5) {
      value = bytes.subarray(at, at + (wire === 1 ? 8 : 4));
      at += wire === 1 ? 8 : 4;
    } else throw new Error(`protobuf wire type ${wire} at byte ${at}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

/** The fields this test reads of opentelemetry/proto's ExportTraceServiceRequest, as the JSON encoding has them. */
function decodeProtobufExport(body: Uint8Array): OtlpExport {
  const text = (value: bigint | Uint8Array | undefined) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : '');
  const hexOf = (value: bigint | Uint8Array | undefined) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '');
  const messages = (fields: Map<number, (bigint | Uint8Array)[]>, field: number) =>
    (fields.get(field) ?? []).filter((value): value is Uint8Array => value instanceof Uint8Array).map(protoFields);
  const attributes = (fields: Map<number, (bigint | Uint8Array)[]>, field: number): OtlpAttribute[] =>
    messages(fields, field).map((keyValue) => {
      const any = messages(keyValue, 2)[0] ?? new Map();
      const value: OtlpValue = any.has(1)
        ? { stringValue: text(any.get(1)![0]) }
        : any.has(2)
          ? { boolValue: any.get(2)![0] === 1n }
          : any.has(3)
            ? { intValue: Number(BigInt.asIntN(64, any.get(3)![0] as bigint)) }
            : { doubleValue: any.has(4) ? Buffer.from(any.get(4)![0] as Uint8Array).readDoubleLE(0) : 0 };
      return { key: text(keyValue.get(1)?.[0]), value };
    });
  return {
    resourceSpans: messages(protoFields(body), 1).map((resourceSpans) => ({
      resource: { attributes: attributes(messages(resourceSpans, 1)[0] ?? new Map(), 1) },
      scopeSpans: messages(resourceSpans, 2).map((scopeSpans) => ({
        spans: messages(scopeSpans, 2).map((span) => ({
          traceId: hexOf(span.get(1)?.[0]),
          spanId: hexOf(span.get(2)?.[0]),
          parentSpanId: hexOf(span.get(4)?.[0]),
          name: text(span.get(5)?.[0]),
          kind: Number(span.get(6)?.[0] ?? 0n),
          attributes: attributes(span, 9),
          status: { code: Number(messages(span, 15)[0]?.get(3)?.[0] ?? 0n) },
        })),
      })),
    })),
  };
}

/** An OTLP/HTTP receiver on 127.0.0.1: POST /v1/traces in protobuf or JSON, every span kept. */
export async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; encodings: Set<string>; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const encodings = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const type = request.headers['content-type'] ?? '';
      const encoding = type.startsWith('application/json') ? 'json' : type.startsWith('application/x-protobuf') ? 'protobuf' : undefined;
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !encoding) {
        response.writeHead(415).end();
        return;
      }
      encodings.add(encoding);
      const body = Buffer.concat(chunks);
      const exported = encoding === 'json' ? (JSON.parse(body.toString('utf8')) as OtlpExport) : decodeProtobufExport(body);
      for (const resourceSpans of exported.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) spans.push({ ...span, attributes: attributesOf(span.attributes), service });
        }
      }
      // an empty ExportTraceServiceResponse, in the encoding asked
      if (encoding === 'json') response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      else response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, spans, encodings, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/**
 * The project's server with tracing on (its database migrated and holding alice, as servesContract leaves it; Redis
 * on, so the throttle's commands are traced too): a signed-in request with a traceparent gives a server span in
 * that trace, named by its route pattern, with the version, the user and the status, and the spans of its database
 * queries and Redis commands as children; every log line of the request carries the trace id.
 */
export async function tracesRequests(
  project: string,
  databaseUrl: string,
  system: 'sqlite' | 'postgresql' | 'mysql',
  protocol: 'http/protobuf' | 'http/json',
): Promise<void> {
  const receiver = await startOtlpReceiver();
  const env = {
    NODE_ENV: 'production',
    JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-e2e-secret',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    THROTTLE_LOGIN: '1000/minute',
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    // protobuf is the default: the variable left unset
    ...(protocol === 'http/json' ? { OTEL_EXPORTER_OTLP_PROTOCOL: protocol } : {}),
    OTEL_SERVICE_NAME: 'e2e-traced-api',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  const server = await startServer(project, env);
  const [traceId, callerSpan] = [hex(16), hex(8)];
  try {
    const login = await fetch(`${server.url}/api/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 's3cret-pass' }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const { access } = (await login.json()) as { access: string };

    // the caller's trace: its trace id, the caller's span as the parent, sampled
    const me = await fetch(`${server.url}/api/v1/me`, {
      headers: { Authorization: `Bearer ${access}`, traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(me.status).toBe(200);
    const { id: userId } = (await me.json()) as { id: number };
    const [detailTrace, missing] = [
      hex(16),
      await fetch(`${server.url}/api/v1/products/999999`, { headers: { traceparent: `00-${hex(16)}-${hex(8)}-01` } }),
    ];
    expect(missing.status).toBe(404);
    const page = await fetch(`${server.url}/api/v2/products?limit=1`, { headers: { traceparent: `00-${detailTrace}-${hex(8)}-01` } });
    expect(page.status).toBe(200);

    // the batch processor sends every 200 ms
    const deadline = Date.now() + 10_000;
    const serverSpanOf = (trace: string) => receiver.spans.find((span) => span.traceId === trace && span.kind === 2);
    while (Date.now() < deadline && (!serverSpanOf(traceId) || !serverSpanOf(detailTrace)))
      await new Promise((resolve) => setTimeout(resolve, 100));

    expect([...receiver.encodings]).toEqual([protocol === 'http/json' ? 'json' : 'protobuf']);
    const span = serverSpanOf(traceId);
    expect(span, `no server span in trace ${traceId}; received: ${JSON.stringify(receiver.spans.map((s) => s.name))}`).toBeDefined();
    expect(span).toMatchObject({ parentSpanId: callerSpan, name: 'GET /api/v1/me', service: 'e2e-traced-api' });
    expect(span!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/v1/me',
      'http.response.status_code': 200,
      'api.version': 'v1',
      'enduser.id': String(userId),
    });
    const children = receiver.spans.filter((child) => child.traceId === traceId && child.parentSpanId === span!.spanId);
    const query = children.find((child) => child.attributes['db.system.name'] === system);
    expect(
      query,
      `no ${system} query span under ${span!.name}: ${JSON.stringify(children.map((c) => [c.name, c.attributes]))}`,
    ).toMatchObject({ kind: 3, name: 'SELECT' });
    expect(String(query!.attributes['db.query.text'])).toMatch(/^select /i);
    expect(
      children.find((child) => child.attributes['db.system.name'] === 'redis'),
      'no Redis command span',
    ).toMatchObject({ kind: 3 });

    // a route with a parameter is named by its pattern, never the path a client sent
    const detail = receiver.spans.find(
      (candidate) => candidate.kind === 2 && candidate.attributes['url.path'] === '/api/v1/products/999999',
    );
    expect(detail).toMatchObject({
      name: 'GET /api/v1/products/:id',
      attributes: { 'http.route': '/api/v1/products/:id', 'http.response.status_code': 404 },
    });
    expect(serverSpanOf(detailTrace)).toMatchObject({ name: 'GET /api/v2/products', attributes: { 'api.version': 'v2' } });
  } finally {
    const stopped = await stopServer(server);
    await receiver.close();
    expect(stopped.exitCode, server.output()).toBe(0);
  }
  // the line the server logged for the /me request carries its trace id
  const lines = server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const meLines = lines.filter((line) => JSON.stringify(line).includes('/api/v1/me'));
  expect(meLines.length, server.output()).toBeGreaterThan(0);
  for (const line of meLines) expect(line).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  if (process.env.SHOW_SPANS) console.log(JSON.stringify(receiver.spans, null, 1), server.output());
}
