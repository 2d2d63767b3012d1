import { z } from 'zod';
import { NotFound } from './errors.js';
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
import { defineRoute, type Access, type AuthUser, type RouteDef } from './routes.js';

/** What a resource's service offers; `user` lets it apply object-level rules (own rows only). */
export interface ResourceService<Row, Create, Update> extends ItemService<Row, Create, Update> {
  list(request: CursorRequest, url: URL, user: AuthUser | null): Promise<CursorPage<Row>>;
}

/** The same, for a resource whose list is a limit-offset page (with a count) instead of a cursor page. */
export interface OffsetResourceService<Row, Create, Update> extends ItemService<Row, Create, Update> {
  list(request: OffsetRequest, url: URL, user: AuthUser | null): Promise<OffsetPage<Row>>;
}

interface ItemService<Row, Create, Update> {
  get(id: number, user: AuthUser | null): Promise<Row>;
  create(input: Create, user: AuthUser | null): Promise<Row>;
  update(id: number, input: Update, user: AuthUser | null): Promise<Row>;
  remove(id: number, user: AuthUser | null): Promise<void>;
}

/** One version's serializers: separate read and write declarations, and how a row is presented. */
export interface ResourceSchemas<Row, Create extends z.ZodType, Update extends z.ZodType> {
  read: z.ZodType;
  write: Create;
  patch: Update;
  present: (row: Row) => unknown;
}

const idParams = z.object({ id: z.string() });

/** `/products/abc` names no object: a 404, as a URL pattern `<int:pk>` would answer. */
function idOf(params: { id: string }): number {
  const id = Number(params.id);
  if (!/^\d+$/.test(params.id) || !Number.isSafeInteger(id) || id < 1) throw new NotFound();
  return id;
}

type ResourceOptions<Row, Create extends z.ZodType, Update extends z.ZodType> = {
  /** `/products` */
  path: string;
  tag: string;
  access: { read: Access; write: Access };
  schemas: ResourceSchemas<Row, Create, Update>;
} & (
  | { pagination?: 'cursor'; service: ResourceService<Row, z.output<Create>, z.output<Update>> }
  | { pagination: 'offset'; service: OffsetResourceService<Row, z.output<Create>, z.output<Update>> }
);

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
  const list = { method: 'GET' as const, path, access: access.read, response: schemas.read, summary: `List ${tag}`, tags: [tag] };
  return [
    options.pagination === 'offset'
      ? defineRoute({
          ...list,
          query: offsetQuery,
          responseShape: 'offset-page',
          handler: async ({ query, url, user }) => {
            const page = await options.service.list(parseOffsetRequest(query), url, user);
            return { ...page, results: page.results.map(present) };
          },
        })
      : defineRoute({
          ...list,
          query: cursorQuery,
          responseShape: 'cursor-page',
          handler: async ({ query, url, user }) => {
            const page = await options.service.list(parseCursorRequest(query), url, user);
            return { ...page, results: page.results.map(present) };
          },
        }),
    defineRoute({
      method: 'POST',
      path,
      access: access.write,
      body: schemas.write,
      response: schemas.read,
      status: 201,
      summary: `Create one of ${tag}`,
      tags: [tag],
      handler: async ({ body, user }) => present(await service.create(body as z.output<Create>, user)),
    }),
    defineRoute({
      method: 'GET',
      path: `${path}/:id`,
      access: access.read,
      params: idParams,
      response: schemas.read,
      summary: `One of ${tag}`,
      tags: [tag],
      handler: async ({ params, user }) => present(await service.get(idOf(params), user)),
    }),
    defineRoute({
      method: 'PATCH',
      path: `${path}/:id`,
      access: access.write,
      params: idParams,
      body: schemas.patch,
      response: schemas.read,
      summary: `Change some fields of one of ${tag}`,
      tags: [tag],
      handler: async ({ params, body, user }) => present(await service.update(idOf(params), body as z.output<Update>, user)),
    }),
    defineRoute({
      method: 'DELETE',
      path: `${path}/:id`,
      access: access.write,
      params: idParams,
      responseShape: 'empty',
      summary: `Delete one of ${tag}`,
      tags: [tag],
      handler: async ({ params, user }) => service.remove(idOf(params), user),
    }),
  ];
}
