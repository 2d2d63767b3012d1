import { z } from 'zod';
import { INT32_MAX, isStorableId } from './bounds.js';
import { entityTag, ifMatchVersions, isVersioned, noneMatchHits } from './conditional.js';
import { NotFound, PreconditionFailed } from './errors.js';
import { cursorList, offsetList, type CursorListRequest, type ListSpec, type OffsetListRequest } from './lists.js';
import {
  cursorQuery,
  offsetQuery,
  parseCursorRequest,
  parseOffsetRequest,
  type CursorPage,
  type CursorRequest,
  type OffsetPage,
  type OffsetRequest,
} from './pagination.js';
import { defineRoute, HttpResult, type Access, type AuthUser, type RouteDef } from './routes.js';

/** What a resource's service offers; `user` lets it apply object-level rules (own rows only). */
export interface ResourceService<Row, Create, Update> extends ItemService<Row, Create, Update> {
  list(request: CursorRequest, url: URL, user: AuthUser | null): Promise<CursorPage<Row>>;
}

/** A resource whose versions declare their lists (`defineList`): the service gets the filter, search and ordering. */
export interface ListedResourceService<Row, Create, Update> extends ItemService<Row, Create, Update> {
  list(request: CursorListRequest, url: URL, user: AuthUser | null): Promise<CursorPage<Row>>;
}

/** The same, with a limit-offset page. */
export interface ListedOffsetResourceService<Row, Create, Update> extends ItemService<Row, Create, Update> {
  list(request: OffsetListRequest, url: URL, user: AuthUser | null): Promise<OffsetPage<Row>>;
}

/** The same, for a resource whose list is a limit-offset page (with a count) instead of a cursor page. */
export interface OffsetResourceService<Row, Create, Update> extends ItemService<Row, Create, Update> {
  list(request: OffsetRequest, url: URL, user: AuthUser | null): Promise<OffsetPage<Row>>;
}

interface ItemService<Row, Create, Update> {
  get(id: number, user: AuthUser | null): Promise<Row>;
  create(input: Create, user: AuthUser | null): Promise<Row>;
  /** `expected`: the row version an If-Match named; the change finds no row (a NotFound) when it has moved on */
  update(id: number, input: Update, user: AuthUser | null, expected?: number): Promise<Row>;
  remove(id: number, user: AuthUser | null, expected?: number): Promise<void>;
}

/** One version's serializers: separate read and write declarations, how a row is presented, and what its list filters, searches and orders by. */
export interface ResourceSchemas<Row, Create extends z.ZodType, Update extends z.ZodType> {
  read: z.ZodType;
  write: Create;
  patch: Update;
  present: (row: Row) => unknown;
  list?: ListSpec;
}

// documented as what it names: a positive integer (anything else is a 404, as a URL pattern `<int:pk>` answers)
const idParams = z.object({
  id: z.string().meta({ type: 'integer', minimum: 1, maximum: INT32_MAX, description: 'The id of the object' }),
});

/** `order-items` -> `OrderItems`; the singular by the usual English endings (`categories` -> `Category`). */
function operationNames(path: string): { plural: string; singular: string } {
  const plural = path
    .replace(/^\//, '')
    .split(/[-_]/)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  const singular = plural
    .replace(/ies$/, 'y')
    .replace(/(ss|x|ch|sh)es$/, '$1')
    .replace(/([^s])s$/, '$1');
  return { plural, singular };
}

/** `OrderItem` -> `an order item`: how a summary names one object. */
function oneOf(singular: string): string {
  const words = singular.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`;
}

/** `/products/abc`, or an id past the id column's range, names no object: a 404, as a URL pattern `<int:pk>` would answer. */
function idOf(params: { id: string }): number {
  const id = Number(params.id);
  if (!/^\d+$/.test(params.id) || !isStorableId(id)) throw new NotFound();
  return id;
}

type ResourceOptions<Row, Create extends z.ZodType, Update extends z.ZodType> = {
  /** `/products` */
  path: string;
  tag: string;
  access: { read: Access; write: Access };
} & (
  | {
      pagination?: 'cursor';
      schemas: ListedSchemas<Row, Create, Update>;
      service: ListedResourceService<Row, z.output<Create>, z.output<Update>>;
    }
  | {
      pagination: 'offset';
      schemas: ListedSchemas<Row, Create, Update>;
      service: ListedOffsetResourceService<Row, z.output<Create>, z.output<Update>>;
    }
  // resources made before lists were declared (create-prod-api 0.1): newest first, no filters
  | {
      pagination?: 'cursor';
      schemas: UnlistedSchemas<Row, Create, Update>;
      service: ResourceService<Row, z.output<Create>, z.output<Update>>;
    }
  | {
      pagination: 'offset';
      schemas: UnlistedSchemas<Row, Create, Update>;
      service: OffsetResourceService<Row, z.output<Create>, z.output<Update>>;
    }
);

type ListedSchemas<Row, Create extends z.ZodType, Update extends z.ZodType> = ResourceSchemas<Row, Create, Update> & { list: ListSpec };
type UnlistedSchemas<Row, Create extends z.ZodType, Update extends z.ZodType> = ResourceSchemas<Row, Create, Update> & { list?: undefined };

/**
 * The usual REST shape of one resource under one version: a paginated list
 * (cursor unless `pagination: 'offset'`), create (201), detail, partial update
 * and delete (204).
 */
export function resourceRoutes<Row, Create extends z.ZodType, Update extends z.ZodType>(
  options: ResourceOptions<Row, Create, Update>,
): RouteDef[] {
  const { path, tag, access, service, schemas } = options;
  const { present } = schemas;
  const { plural, singular } = operationNames(path);
  const one = oneOf(singular);
  const list = {
    method: 'GET' as const,
    path,
    access: access.read,
    response: schemas.read,
    summary: `List ${tag}`,
    operationId: `list${plural}`,
    schemaNames: { response: `${singular}Read`, page: `${singular}Page` },
    tags: [tag],
  };
  return [
    listRoute(options, list),
    defineRoute({
      method: 'POST',
      path,
      access: access.write,
      body: schemas.write,
      response: schemas.read,
      status: 201,
      summary: `Create ${one}`,
      operationId: `create${singular}`,
      schemaNames: { body: `${singular}Write`, response: `${singular}Read` },
      tags: [tag],
      conditional: 'create',
      idempotent: true,
      handler: async ({ body, user, version }) => tagged(await service.create(body as z.output<Create>, user), version, 201),
    }),
    defineRoute({
      method: 'GET',
      path: `${path}/:id`,
      access: access.read,
      params: idParams,
      response: schemas.read,
      summary: `Get ${one}`,
      operationId: `get${singular}`,
      schemaNames: { response: `${singular}Read` },
      tags: [tag],
      conditional: 'read',
      handler: async ({ params, user, version, headers }) => {
        const row = await service.get(idOf(params), user);
        // the client's copy is current: the tag again, no body
        if (isVersioned(row) && noneMatchHits(headers['if-none-match'], entityTag(version, path, row))) {
          return new HttpResult(304, undefined, { ETag: entityTag(version, path, row) });
        }
        return tagged(row, version, 200);
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: `${path}/:id`,
      access: access.write,
      params: idParams,
      body: schemas.patch,
      response: schemas.read,
      summary: `Change some fields of ${one}`,
      operationId: `update${singular}`,
      schemaNames: { body: `${singular}Patch`, response: `${singular}Read` },
      tags: [tag],
      conditional: 'write',
      handler: async ({ params, body, user, version, headers }) => {
        const id = idOf(params);
        const expected = await precondition(headers['if-match'], version, id, user);
        return tagged(await conditionally(expected, () => service.update(id, body as z.output<Update>, user, expected)), version, 200);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: `${path}/:id`,
      access: access.write,
      params: idParams,
      responseShape: 'empty',
      summary: `Delete ${one}`,
      operationId: `delete${singular}`,
      tags: [tag],
      conditional: 'write',
      answers: { 409: 'Other objects refer to this one: remove or change them first' },
      handler: async ({ params, user, version, headers }) => {
        const id = idOf(params);
        const expected = await precondition(headers['if-match'], version, id, user);
        await conditionally(expected, () => service.remove(id, user, expected));
      },
    }),
  ];

  /** The presented object, with its ETag when its rows carry a version. */
  function tagged(row: Row, version: string | null, status: number): HttpResult {
    return new HttpResult(status, present(row), isVersioned(row) ? { ETag: entityTag(version, path, row) } : {});
  }

  /**
   * If-Match: the row version the change must find (the write compares it itself, so of N concurrent changes with
   * one tag exactly one is made), or undefined without the header or with `*`. An object the caller may not see is
   * still a 404; one whose current tag is not named (or that has none: a resource without a version column) a 412.
   */
  async function precondition(
    header: string | undefined,
    version: string | null,
    id: number,
    user: AuthUser | null,
  ): Promise<number | undefined> {
    if (header === undefined) return undefined;
    const current = await service.get(id, user);
    const versions = ifMatchVersions(header, version, path, id);
    if (versions === '*') return undefined;
    if (!isVersioned(current) || !versions.includes(current.version)) throw new PreconditionFailed();
    return current.version;
  }
}

/** A change made under If-Match that found no row of the expected version: another change came first, a 412. */
async function conditionally<T>(expected: number | undefined, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (expected !== undefined && error instanceof NotFound) throw new PreconditionFailed();
    throw error;
  }
}

type ListBase = Pick<RouteDef, 'method' | 'path' | 'access' | 'response' | 'summary' | 'operationId' | 'schemaNames' | 'tags'>;

/** The list: its page shape by `pagination`, and its filters, search and ordering when the version declares them. */
function listRoute<Row, Create extends z.ZodType, Update extends z.ZodType>(
  options: ResourceOptions<Row, Create, Update>,
  base: ListBase,
): RouteDef {
  const { present, list: spec } = options.schemas;
  const presentPage = <P extends { results: Row[] }>(page: P) => ({ ...page, results: page.results.map(present) });
  const service = options.service as {
    list(request: unknown, url: URL, user: AuthUser | null): Promise<CursorPage<Row> | OffsetPage<Row>>;
  };
  if (options.pagination === 'offset') {
    return defineRoute({
      ...base,
      query: spec ? offsetQuery.extend(spec.params) : offsetQuery,
      responseShape: 'offset-page',
      handler: async ({ query, url, user }) =>
        presentPage(await service.list(spec ? offsetList(spec, query) : parseOffsetRequest(query), url, user)),
    });
  }
  return defineRoute({
    ...base,
    query: spec ? cursorQuery.extend(spec.params) : cursorQuery,
    responseShape: 'cursor-page',
    handler: async ({ query, url, user }) =>
      presentPage(await service.list(spec ? cursorList(spec, query) : parseCursorRequest(query), url, user)),
  });
}
