import { and, asc, desc, eq, gt, lt, or, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
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
const pageSizeParam = z.string().optional();
export const cursorQuery = z.object({ cursor: z.string().optional(), page_size: pageSizeParam });
export const offsetQuery = z.object({ limit: pageSizeParam, offset: z.string().optional() });

function pageSize(text: string | undefined): number {
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
      if (Number.isSafeInteger(t) && Number.isSafeInteger(i) && (r === 0 || r === 1)) {
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

/**
 * The WHERE and ORDER BY that walk `-created_at, -id` from a position, in
 * either direction. Keyset, not OFFSET: a row inserted during a traversal sorts
 * before the rows already seen, so no row is ever shown twice or skipped, and
 * a deep page costs the same as the first (given an index on (created_at, id)).
 */
export function keyset(
  columns: { createdAt: AnyColumn; id: AnyColumn },
  request: CursorRequest,
): { where: SQL | undefined; orderBy: SQL[] } {
  const { createdAt, id } = columns;
  const { after, reverse } = request;
  const before = reverse ? gt : lt;
  const where = after
    ? or(before(createdAt, new Date(after.createdAt)), and(eq(createdAt, new Date(after.createdAt)), before(id, after.id)))
    : undefined;
  const direction = reverse ? asc : desc;
  return { where, orderBy: [direction(createdAt), direction(id)] };
}

/**
 * Builds the page from `pageSize + 1` rows fetched with `keyset` (the extra row
 * only tells whether there is more): links are absolute URLs, no COUNT(*) needed.
 */
export function cursorPage<T>(rows: T[], request: CursorRequest, positionOf: (row: T) => Position, url: URL): CursorPage<T> {
  const hasMore = rows.length > request.pageSize;
  const page = rows.slice(0, request.pageSize);
  if (request.reverse) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // Walking forwards there is a previous page whenever we came from a cursor; backwards, a next one.
  const hasNext = request.reverse ? request.after !== null : hasMore;
  const hasPrevious = request.reverse ? hasMore : request.after !== null;
  return {
    next: hasNext && last ? linkWith(url, { cursor: encodeCursor(positionOf(last), false) }) : null,
    previous: hasPrevious && first ? linkWith(url, { cursor: encodeCursor(positionOf(first), true) }) : null,
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

function linkWith(url: URL, params: Record<string, string | null>): string {
  const link = new URL(url);
  for (const [key, value] of Object.entries(params)) {
    if (value === null) link.searchParams.delete(key);
    else link.searchParams.set(key, value);
  }
  return link.toString();
}
