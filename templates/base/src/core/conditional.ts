import { createHash } from 'node:crypto';
import { eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';

// Conditional requests (contract §10, RFC 9110 §13): a strong ETag per object and API version, `If-None-Match` on
// reads, `If-Match` on changes. The ETag carries the row's version, which every write of the row increments, so two
// writes in the same millisecond still give two tags, and a change can compare and write in one statement
// (`... WHERE version = <the tag's>`).

/** What a row must have for its object to carry an ETag: resources made before 0.2 have no version column. */
export interface Versioned {
  id: number;
  version: number;
}

export const isVersioned = (row: unknown): row is Versioned =>
  typeof row === 'object' && row !== null && typeof (row as Versioned).version === 'number' && typeof (row as Versioned).id === 'number';

/**
 * `"3-Hk2…"`: the row's version, and a digest of the API version, the resource's path and the id, so that v1's and
 * v2's representations of one row differ, and a tag of another object never matches.
 */
export function entityTag(apiVersion: string | null, path: string, row: Versioned): string {
  return `"${row.version}-${digest(apiVersion, path, row.id)}"`;
}

function digest(apiVersion: string | null, path: string, id: number): string {
  return createHash('sha256')
    .update(`${apiVersion ?? ''}\n${path}\n${id}`)
    .digest('base64url')
    .slice(0, 16);
}

/** The tags of an `If-Match` or `If-None-Match` header (`"a", W/"b"`), or '*'. */
function tagsOf(header: string): string[] | '*' {
  if (header.trim() === '*') return '*';
  return header.match(/(?:W\/)?"[^"]*"/g) ?? [];
}

/**
 * If-None-Match on a read: true when one of its tags is the object's current one (a weak comparison, as RFC 9110
 * asks for this header), or it is '*': the answer is a 304.
 */
export function noneMatchHits(header: string | undefined, current: string): boolean {
  if (header === undefined) return false;
  const tags = tagsOf(header);
  return tags === '*' || tags.some((tag) => tag.replace(/^W\//, '') === current);
}

/**
 * If-Match on a change: '*' (any current object), or the row versions its strong tags name for this object (none
 * when no tag is one of this object's: the change is then a 412, whatever the row holds).
 */
export function ifMatchVersions(header: string, apiVersion: string | null, path: string, id: number): '*' | number[] {
  const tags = tagsOf(header);
  if (tags === '*') return '*';
  const mine = digest(apiVersion, path, id);
  return tags.flatMap((tag) => {
    const match = /^"(\d{1,10})-([A-Za-z0-9_-]{16})"$/.exec(tag);
    return match && match[2] === mine ? [Number(match[1])] : [];
  });
}

/** The next value of a row's version, in the write itself: every write of the row moves its ETag on. */
export const nextVersion = (table: { version: AnyColumn }): SQL => sql`${table.version} + 1`;

/** The condition If-Match adds to a change: the row still at the version the client's tag names. */
export const atVersion = (table: { version: AnyColumn }, expected: number | undefined): SQL | undefined =>
  expected === undefined ? undefined : eq(table.version, expected);
