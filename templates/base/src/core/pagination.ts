import { and, asc, desc, gt, gte, lt, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isStorableId, isStorableTime } from './bounds.js';
import { BadRequest } from './errors.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** A row's place in the total order `-created_at, -id`. */
export interface Position {
  createdAt: number;
  id: number;
}

export interface CursorRequest {
  /** where the page starts (exclusive); null for the first page */
  after: Position | null;
  /** true when walking backwards (a `previous` link) */
  reverse: boolean;
  pageSize: number;
}

export interface CursorPage<T> {
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface OffsetPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

// Query values arrive as strings; a bad page size falls back to the default, like the reference design.
// read leniently (a bad size is the default, a large one the cap, as DRF reads them), documented as what works
const pageSizeParam = z
  .string()
  .meta({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Rows per page' })
  .optional();
export const cursorQuery = z.object({
  cursor: z.string().meta({ description: 'The opaque cursor of a `next` or `previous` link' }).optional(),
  page_size: pageSizeParam,
});
export const offsetQuery = z.object({
  limit: pageSizeParam,
  offset: z.string().meta({ type: 'integer', minimum: 0, default: 0, description: 'Rows to skip' }).optional(),
});

/** `page_size`/`limit`, read leniently: a bad size is the default, a large one the cap. */
export function pageSize(text: string | undefined): number {
  const size = Number(text);
  if (!text || !Number.isInteger(size) || size < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

export function encodeCursor(position: Position, reverse: boolean): string {
  return Buffer.from(JSON.stringify({ t: position.createdAt, i: position.id, r: reverse ? 1 : 0 })).toString('base64url');
}

export function decodeCursor(text: string): { position: Position; reverse: boolean } {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null) {
      const { t, i, r } = value as Record<string, unknown>;
      // values, not only syntax: a time or an id no database can compare a column with is no position
      if (isStorableTime(t) && isStorableId(i) && (r === 0 || r === 1)) {
        return { position: { createdAt: t as number, id: i as number }, reverse: r === 1 };
      }
    }
  } catch {
    // falls through: any undecodable cursor is the same client error
  }
  throw new BadRequest('Invalid cursor');
}

export function parseCursorRequest(query: z.output<typeof cursorQuery>): CursorRequest {
  const size = pageSize(query.page_size);
  if (!query.cursor) return { after: null, reverse: false, pageSize: size };
  const { position, reverse } = decodeCursor(query.cursor);
  return { after: position, reverse, pageSize: size };
}

/** The three shapes a keyset query takes: each is prepared once and reused for every request. */
export type KeysetShape = 'first' | 'after' | 'before';

export function keysetShape(request: CursorRequest): KeysetShape {
  if (!request.after) return 'first';
  return request.reverse ? 'before' : 'after';
}

/**
 * The WHERE and ORDER BY that walk `-created_at, -id` from a position, in
 * either direction, with placeholders `cursorAt`, `cursorId` and `limit`.
 * Keyset, not OFFSET: a row inserted during a traversal sorts before the rows
 * already seen, so no row is ever shown twice or skipped, and a deep page costs
 * the same as the first (given an index on (created_at, id)).
 */
export function keysetQuery(
  columns: { createdAt: AnyColumn; id: AnyColumn },
  shape: KeysetShape,
): { where: SQL | undefined; orderBy: SQL[] } {
  const { createdAt, id } = columns;
  const at = sql.placeholder('cursorAt');
  const [past, pastOrAt] = shape === 'before' ? [gt, gte] : [lt, lte];
  // `created_at <= at` alone is an index range every database can seek into; the second condition only sorts out
  // rows sharing that created_at. (A plain `a < x OR (a = x AND b < y)` makes PostgreSQL scan from the top.)
  const where =
    shape === 'first' ? undefined : and(pastOrAt(createdAt, at), or(past(createdAt, at), past(id, sql.placeholder('cursorId'))));
  const direction = shape === 'before' ? asc : desc;
  return { where, orderBy: [direction(createdAt), direction(id)] };
}

/**
 * The placeholder values for `keysetQuery`: `pageSize + 1` rows, the extra one telling whether there is more.
 * Placeholders skip drizzle's column mapping, so the database adapter says how a time is passed (`timeParam`).
 */
export function keysetValues(request: CursorRequest, timeParam: (epochMs: number) => unknown): Record<string, unknown> {
  return { cursorAt: timeParam(request.after?.createdAt ?? 0), cursorId: request.after?.id ?? 0, limit: request.pageSize + 1 };
}

/** Prepares one statement per keyset shape. */
export function preparePerShape<T>(prepare: (shape: KeysetShape) => T): Record<KeysetShape, T> {
  return { first: prepare('first'), after: prepare('after'), before: prepare('before') };
}

/**
 * Builds the page from `pageSize + 1` rows fetched with `keysetQuery` (the extra row
 * only tells whether there is more): links are absolute URLs, no COUNT(*) needed.
 */
export function cursorPage<T>(rows: T[], request: CursorRequest, positionOf: (row: T) => Position, url: URL): CursorPage<T> {
  return keysetPage(
    rows,
    { ...request, fromCursor: request.after !== null },
    (row, reverse) => encodeCursor(positionOf(row), reverse),
    url,
  );
}

/**
 * A keyset page from `pageSize + 1` rows, whatever the cursor holds: `encode` makes a row's cursor. Walking
 * forwards there is a previous page whenever we came from a cursor; backwards, a next one.
 */
export function keysetPage<T>(
  rows: T[],
  request: { fromCursor: boolean; reverse: boolean; pageSize: number },
  encode: (row: T, reverse: boolean) => string,
  url: URL,
): CursorPage<T> {
  const hasMore = rows.length > request.pageSize;
  const page = rows.slice(0, request.pageSize);
  if (request.reverse) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const hasNext = request.reverse ? request.fromCursor : hasMore;
  const hasPrevious = request.reverse ? hasMore : request.fromCursor;
  return {
    next: hasNext && last ? linkWith(url, { cursor: encode(last, false) }) : null,
    previous: hasPrevious && first ? linkWith(url, { cursor: encode(first, true) }) : null,
    results: page,
  };
}

export interface OffsetRequest {
  limit: number;
  offset: number;
}

export function parseOffsetRequest(query: z.output<typeof offsetQuery>): OffsetRequest {
  const offset = Number(query.offset);
  return { limit: pageSize(query.limit), offset: Number.isSafeInteger(offset) && offset > 0 ? offset : 0 };
}

export function offsetPage<T>(rows: T[], count: number, request: OffsetRequest, url: URL): OffsetPage<T> {
  const { limit, offset } = request;
  const next = offset + limit < count ? linkWith(url, { limit: String(limit), offset: String(offset + limit) }) : null;
  const previous = offset <= 0 ? null : linkWith(url, { limit: String(limit), offset: offset - limit > 0 ? String(offset - limit) : null });
  return { count, next, previous, results: rows };
}

/** The request's URL with some parameters set (or, given null, removed): the rest of the query stays. */
export function linkWith(url: URL, params: Record<string, string | null>): string {
  const link = new URL(url);
  for (const [key, value] of Object.entries(params)) {
    if (value === null) link.searchParams.delete(key);
    else link.searchParams.set(key, value);
  }
  return link.toString();
}
