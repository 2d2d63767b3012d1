import { z } from 'zod';
import { ErrorEnvelope } from './envelope.js';
import { successStatus, type Access, type MountedRoute, type RouteDef } from './routes.js';
import type { Deprecation } from './versioning.js';

type JsonSchema = Record<string, unknown>;

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' },
  'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' },
  'RateLimit-Reset': { $ref: '#/components/headers/RateLimit-Reset' },
};

const HEADERS = {
  'RateLimit-Limit': { description: 'Requests allowed in the window', schema: { type: 'integer', minimum: 1 } },
  'RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer', minimum: 0 } },
  'RateLimit-Reset': { description: 'Seconds until the whole quota is back', schema: { type: 'integer', minimum: 1 } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } },
};

/**
 * The document's named schemas. A name given twice to different schemas (two routes naming theirs alike) gets a
 * number (`OrderRead2`), so a reference never points at the wrong shape.
 */
class Components {
  // the error envelope as envelope.ts describes it
  readonly schemas: Record<string, JsonSchema> = { Error: schemaOf(ErrorEnvelope, 'output') };

  ref(name: string, schema: JsonSchema): JsonSchema {
    const json = JSON.stringify(schema);
    let candidate = name;
    for (let n = 2; this.schemas[candidate] && JSON.stringify(this.schemas[candidate]) !== json; n += 1) candidate = `${name}${n}`;
    this.schemas[candidate] = schema;
    return { $ref: `#/components/schemas/${candidate}` };
  }
}

/** The error statuses an operation can answer, by what the route does, each in the envelope. */
function errorResponses(route: RouteDef, authenticates: boolean): Record<string, JsonSchema> {
  const error = (description: string, headers?: JsonSchema) => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const throttled = route.throttle !== false;
  const responses: Record<string, JsonSchema> = {
    400: error(route.body || route.query ? 'The request fails validation (field errors) or is malformed' : 'The request is malformed'),
  };
  if (authenticates && (route.access !== 'public' || route.authenticate !== false)) {
    responses[401] = error(
      route.access === 'public' ? 'Credentials were sent and are not valid' : 'No credentials, or credentials that are not valid',
    );
  }
  if (route.access === 'staff') responses[403] = error('Signed in, but not a staff user');
  if (route.path.includes(':')) responses[404] = error('No such object, or one the caller may not see');
  if (route.body) {
    responses[413] = error('The body is larger than the limit');
    responses[415] = error('The body is not JSON');
  }
  if (route.conditional === 'write') {
    responses[412] = error('If-Match names no current ETag of the object: nothing changed');
    responses[428] = error('No If-Match, and the API requires one (REQUIRE_IF_MATCH)');
  }
  if (route.idempotent) {
    responses[409] = error(
      'A request with this Idempotency-Key is still being processed (try again after Retry-After), or the object conflicts with a change made meanwhile',
      {
        'Retry-After': { $ref: '#/components/headers/Retry-After' },
      },
    );
    responses[422] = error('This Idempotency-Key came with a different request before');
  }
  for (const [status, description] of Object.entries(route.answers ?? {})) if (description) responses[status] = error(description);
  if (throttled)
    responses[429] = error('Throttled', { 'Retry-After': { $ref: '#/components/headers/Retry-After' }, ...RATE_LIMIT_HEADERS });
  // any route: a database wait past DATABASE_TIMEOUT_MS, a request arriving while the server shuts down
  responses[503] = error('The database is busy, or the server is shutting down: try again after Retry-After', {
    'Retry-After': { $ref: '#/components/headers/Retry-After' },
  });
  return responses;
}

const ETAG_HEADER = {
  ETag: { description: "The object's strong entity tag: send it back in If-None-Match or If-Match", schema: { type: 'string' } },
};

/** The conditional request headers an operation reads (contract §10). */
function conditionalParameters(route: RouteDef): JsonSchema[] {
  const header = (name: string, description: string) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } });
  if (route.conditional === 'read') return [header('If-None-Match', 'ETags the client holds: when one is current, a 304 without a body')];
  if (route.conditional === 'write') {
    return [header('If-Match', 'The ETag the change is based on (or *): when it is not current, a 412 and nothing changes')];
  }
  if (route.idempotent) {
    return [
      {
        ...header(
          'Idempotency-Key',
          "A key of the client's choosing (a UUID): a retry with the same key and body gets the first answer again " +
            '(`Idempotent-Replayed: true`) instead of making a second object. Kept for IDEMPOTENCY_TTL after a success.',
        ),
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
      },
    ];
  }
  return [];
}

const REPLAYED_HEADER = {
  'Idempotent-Replayed': {
    description: 'true on the answer a retry with the same Idempotency-Key gets: the first request made the object',
    schema: { type: 'string', enum: ['true'] },
  },
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  return withoutArtefacts(json) as JsonSchema;
}

/**
 * What the validation library writes that says nothing to a client: an int's
 * safe-integer bounds, and the regex it checks a `format` with (the format
 * already says it).
 */
function withoutArtefacts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutArtefacts);
  if (!value || typeof value !== 'object') return value;
  const node = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutArtefacts(inner)])) as JsonSchema;
  if (node.minimum === -Number.MAX_SAFE_INTEGER) delete node.minimum;
  if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
  if (typeof node.format === 'string' && typeof node.pattern === 'string') delete node.pattern;
  return node;
}

/** `listProducts`, `getProbeVersion`: a route's own operationId, else its method and path in camel case. */
function operationIdOf(route: RouteDef): string {
  if (route.operationId) return route.operationId;
  const words = route.path
    .split('/')
    .filter((segment) => segment && !segment.startsWith(':'))
    .flatMap((segment) => segment.split(/[-_]/));
  return [route.method.toLowerCase(), ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join('');
}

function responseSchema(route: RouteDef, components: Components, names: SchemaNames): JsonSchema | undefined {
  if (!route.response || route.responseShape === 'empty') return undefined;
  return bodySchema(route, route.response, (name, schema) => components.ref(names[name], schema));
}

/**
 * A route's success status and the JSON schema of its body there, whole (no `$ref`): what the OpenAPI documents
 * describe, for a framework that serializes by a schema (Fastify compiles its serializer from it).
 */
export function successBody(route: RouteDef): { status: number; schema: JsonSchema } | undefined {
  if (!route.response || route.responseShape === 'empty') return undefined;
  return { status: successStatus(route), schema: bodySchema(route, route.response, (_name, schema) => schema) };
}

/** The body's schema: the item, or a page of items; `named` makes a schema a component (the documents) or keeps it inline. */
function bodySchema(
  route: RouteDef,
  response: z.ZodType,
  named: (name: 'response' | 'page', schema: JsonSchema) => JsonSchema,
): JsonSchema {
  const item = named('response', schemaOf(response, 'output'));
  const link = { type: ['string', 'null'], format: 'uri' };
  switch (route.responseShape) {
    case 'cursor-page':
      return named('page', {
        type: 'object',
        required: ['next', 'previous', 'results'],
        properties: { next: link, previous: link, results: { type: 'array', items: item } },
      });
    case 'offset-page':
      return named('page', {
        type: 'object',
        required: ['count', 'next', 'previous', 'results'],
        properties: { count: { type: 'integer' }, next: link, previous: link, results: { type: 'array', items: item } },
      });
    default:
      return item;
  }
}

type SchemaNames = Required<NonNullable<RouteDef['schemaNames']>>;

/** A route's schema names: its own, else from its operationId (`createOrder` -> `CreateOrderRequest`). */
function schemaNamesOf(route: RouteDef): SchemaNames {
  const base = operationIdOf(route).replace(/^./, (first) => first.toUpperCase());
  const names = route.schemaNames ?? {};
  const response = names.response ?? `${base}Response`;
  return { body: names.body ?? `${base}Request`, response, page: names.page ?? `${response}Page` };
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    // a list's values arrive comma-separated in one parameter (`?ordering=price,-name`), as the server reads them
    ...(property.type === 'array' ? { style: 'form', explode: false } : {}),
    schema: property,
  }));
}

/**
 * How a caller proves who it is, as the documents state it: the security schemes, each access level's requirement
 * (any one entry suffices) and the sentence an operation's description gives. The auth module's, widened by API
 * keys when the project has them (src/apikeys/module.ts).
 */
export interface Credentials {
  schemes: Record<string, JsonSchema>;
  requirements: Record<Access, JsonSchema[]>;
  who: Record<Access, string>;
}

/** An access token from POST /api/token; staff operations name a scheme of their own, so a reader sees who may call. */
export const BEARER_CREDENTIALS: Credentials = {
  schemes: {
    bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /api/token' },
    staffBearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token of a staff user, from POST /api/token',
    },
  },
  requirements: { public: [], user: [{ bearerAuth: [] }], staff: [{ staffBearerAuth: [] }] },
  who: {
    public: 'Anyone may call it.',
    user: 'Needs an access token (`Authorization: Bearer <access>`).',
    staff: "Needs a staff user's access token; anyone else signed in gets 403.",
  },
};

/** What a client must know of an operation beyond its summary: who may call it, how it pages, how it is limited. */
function descriptionOf(route: RouteDef, credentials: Credentials): string {
  if (route.description) return route.description;
  const parts = [credentials.who[route.access]];
  if (route.responseShape === 'cursor-page') parts.push('Paginated by cursor: follow `next` and `previous`; `page_size` up to 100.');
  if (route.responseShape === 'offset-page') parts.push('Paginated by `limit` (up to 100) and `offset`.');
  if (route.throttle !== false) parts.push('Throttled: `RateLimit-*` headers on every answer, 429 with `Retry-After` past the limit.');
  return parts.join(' ');
}

function operation(mounted: MountedRoute, authenticates: boolean, components: Components, credentials: Credentials): JsonSchema {
  const { route } = mounted;
  const names = schemaNamesOf(route);
  const status = String(successStatus(route));
  const body = responseSchema(route, components, names);
  const errorResponse = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const tagged = route.conditional !== undefined && route.responseShape !== 'empty';
  const headerSet = {
    ...(route.throttle !== false ? RATE_LIMIT_HEADERS : {}),
    ...(tagged ? ETAG_HEADER : {}),
    ...(route.idempotent ? REPLAYED_HEADER : {}),
  };
  const headers = Object.keys(headerSet).length > 0 ? { headers: headerSet } : {};
  const op: JsonSchema = {
    operationId: operationIdOf(route),
    summary: route.summary,
    description: descriptionOf(route, credentials),
    tags: route.tags ?? [],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query'), ...conditionalParameters(route)],
    responses: {
      [status]: body
        ? { description: 'OK', ...headers, content: { 'application/json': { schema: body } } }
        : { description: 'No content', ...headers },
      ...(route.conditional === 'read'
        ? {
            304: {
              description: "Not modified: the client's copy is current",
              headers: { ...ETAG_HEADER, ...(route.throttle !== false ? RATE_LIMIT_HEADERS : {}) },
            },
          }
        : {}),
      ...errorResponses(route, authenticates),
      default: errorResponse,
    },
  };
  if (route.body) {
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: components.ref(names.body, schemaOf(route.body, 'input')) } },
    };
  }
  op.security = credentials.requirements[route.access];
  return op;
}

/** One OpenAPI 3.1 document for a version, built from the same route definitions that serve it. */
/** What a document says of the API itself (src/app.ts: API_INFO). */
export interface ApiInfo {
  title: string;
  description: string;
  contact: { name: string; url?: string; email?: string };
  license: { name: string; identifier?: string; url?: string };
}

export function buildOpenApi(options: {
  info: ApiInfo;
  version: string;
  routes: MountedRoute[];
  deprecation?: Deprecation;
  credentials?: Credentials;
}): JsonSchema {
  const { deprecation } = options;
  const credentials = options.credentials ?? BEARER_CREDENTIALS;
  // an API with any route that needs a user reads credentials on every route (a bad one is a 401 anywhere)
  const authenticates = options.routes.some((mounted) => mounted.route.access !== 'public');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const components = new Components();
  for (const mounted of options.routes) {
    const path = mounted.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op = operation(mounted, authenticates, components, credentials);
    // a deprecated version's own operations (not the unversioned token endpoints, which every version shares)
    if (deprecation && mounted.version !== null) op.deprecated = true;
    (paths[path] ??= {})[mounted.route.method.toLowerCase()] = op;
  }
  const info: JsonSchema = { ...options.info, version: options.version };
  if (deprecation) {
    info.description = `Deprecated since ${deprecation.since}; served until ${deprecation.sunset}. Move to ${deprecation.successor}.\n\n${options.info.description}`;
    info['x-sunset'] = deprecation.sunset;
  }
  const tags = [...new Set(options.routes.flatMap((mounted) => mounted.route.tags ?? []))].sort();
  const usedSchemes = Object.keys(credentials.schemes).filter((name) =>
    options.routes.some((mounted) => credentials.requirements[mounted.route.access].some((requirement) => name in requirement)),
  );
  return {
    openapi: '3.1.0',
    info,
    // relative: the document is served by the API it describes, wherever that is
    servers: [{ url: '/', description: 'The server that serves this document' }],
    tags: tags.map((name) => ({ name, description: `Operations on ${name}` })),
    paths,
    components: {
      schemas: components.schemas,
      headers: HEADERS,
      // only the schemes some operation names: a linter flags the others as unused
      ...(usedSchemes.length > 0
        ? { securitySchemes: Object.fromEntries(usedSchemes.map((name) => [name, credentials.schemes[name]])) }
        : {}),
    },
  };
}
