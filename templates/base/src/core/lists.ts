import { createHash } from 'node:crypto';
import {
  and,
  asc,
  Column,
  desc,
  eq,
  getTableColumns,
  gt,
  gte,
  inArray,
  is,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  sql,
  type AnyColumn,
  type SQL,
} from 'drizzle-orm';
import { z } from 'zod';
import { decimalOrder, sameText } from '../db/columns.js';
import { INT32_MAX, INT32_MIN, isStorableId, isStorableTime } from './bounds.js';
import { BadRequest, ValidationError } from './errors.js';
import { keysetPage, pageSize, type CursorPage } from './pagination.js';

// Filtering, search and ordering of a list, as django-filter, DRF's SearchFilter and OrderingFilter do them
// (contract §6). A version declares them next to its read schema with `defineList`; the routes read the query
// with `cursorList`/`offsetList`, and the repository turns the result into SQL with `listQuery`. Every value is
// a bound parameter.

/** The kinds of value a list field holds: they decide how a filter's value is parsed and documented. */
export type ListFieldType = 'integer' | 'decimal' | 'string' | 'boolean' | 'datetime' | 'date' | 'enum' | 'uuid';
export const LOOKUPS = ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull', 'icontains', 'istartswith'] as const;
export type Lookup = (typeof LOOKUPS)[number];

export interface ListField {
  /** the table's column the field reads */
  column: AnyColumn;
  type: ListFieldType;
  /** an enum's values */
  values?: readonly string[];
  /** the lookups clients may filter with: `price__gte=10`; `exact` is `price=10` */
  filter?: readonly Lookup[];
  /** one of the fields `?search=` looks in */
  search?: boolean;
  /** a field `?ordering=` may name */
  order?: boolean;
}

export interface ListDeclaration {
  /** by the API's field names */
  fields: Record<string, ListField>;
  /** without `?ordering=`: `-created_at` unless declared; comma-separated, `-` for descending */
  ordering?: string;
}

/** A ListDeclaration checked and made ready: built once, when the routes are defined. */
export interface ListSpec {
  /** tells one declaration's prepared statements from another's */
  readonly id: number;
  readonly fields: ReadonlyMap<string, ResolvedField>;
  readonly defaultOrdering: readonly OrderTerm[];
  /** the query parameters it reads, as the OpenAPI document lists them */
  readonly params: z.ZodRawShape;
}

interface ResolvedField extends ListField {
  name: string;
  /** the row's property holding the value (`createdAt`) */
  prop: string;
  nullable: boolean;
  /**
   * What SQL compares and sorts: the column, or (SQLite's text decimals) an expression. drizzle's operators take
   * either alike (binding a value through the column's mapping when it is one); typed as a column for their overloads.
   */
  key: AnyColumn;
}

export interface OrderTerm {
  field: ResolvedField;
  descending: boolean;
}

/** A value a query compares with, and what it is compared to (which maps it to the driver's form, if a column). */
interface Bound {
  key: AnyColumn | undefined;
  value: unknown;
}

/**
 * The query's stand-in for the value at `index` of its list of bounds: the value itself (drizzle maps it through the
 * column) or, for a prepared statement, a placeholder named by its place. Values are named by place, not made while
 * the SQL is built, so a statement prepared once takes each later request's values without building any SQL.
 */
type Bind = (index: number) => unknown;

/** One filter or the search, read and checked: the values it binds, its SQL for any way of binding them, its shape. */
interface Condition {
  bounds: readonly Bound[];
  build(bind: Bind): SQL;
  /** the SQL's shape without its values: conditions of one shape share a prepared statement */
  shape: string;
}

/** What a list request asks for, read and checked: the filter, the order (made total by the id). */
export interface ListCriteria {
  spec: ListSpec;
  conditions: readonly Condition[];
  order: readonly OrderTerm[];
  /** the id's direction: the last ordering field's */
  idDescending: boolean;
  /** names the filter, search and ordering: a cursor is bound to it */
  binding: string;
}

export interface CursorListRequest extends ListCriteria {
  /** where the page starts (exclusive): the ordering fields' values and the id; null for the first page */
  after: { values: unknown[]; id: number } | null;
  reverse: boolean;
  pageSize: number;
}

export interface OffsetListRequest extends ListCriteria {
  limit: number;
  offset: number;
}

const MAX_SEARCH_TERMS = 10;
const MAX_SEARCH_TERM = 100;
const MAX_IN_VALUES = 100;

const LOOKUPS_OF: Record<ListFieldType, readonly Lookup[]> = {
  integer: ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull'],
  decimal: ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull'],
  datetime: ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull'],
  date: ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull'],
  string: ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull', 'icontains', 'istartswith'],
  uuid: ['exact', 'in', 'isnull'],
  enum: ['exact', 'in', 'isnull'],
  boolean: ['exact', 'isnull'],
};

/**
 * Checks a list declaration when the routes are defined, so a mistake (a lookup that does not fit its field, an
 * ordering of an undeclared field) stops the start with one line instead of answering 500 later.
 */
export function defineList(declaration: ListDeclaration): ListSpec {
  const fields = new Map<string, ResolvedField>();
  for (const [name, field] of Object.entries(declaration.fields)) {
    const where = `List field "${name}"`;
    const prop = propertyOf(field.column);
    if (!prop) throw new Error(`${where}: its column is not a column of a table.`);
    const nullable = !field.column.notNull;
    for (const lookup of field.filter ?? []) {
      if (!LOOKUPS_OF[field.type].includes(lookup)) {
        throw new Error(`${where}: the lookup "${lookup}" does not fit a ${field.type}; it takes ${LOOKUPS_OF[field.type].join(', ')}.`);
      }
      if (lookup === 'isnull' && !nullable) throw new Error(`${where}: "isnull" needs a nullable column.`);
    }
    if (field.search && field.type !== 'string') throw new Error(`${where}: only string fields can be searched.`);
    if (field.type === 'enum' && !field.values?.length) throw new Error(`${where}: an enum needs its values.`);
    fields.set(name, { ...field, name, prop, nullable, key: comparable(field) });
  }
  const spec = { fields, defaultOrdering: [] as OrderTerm[], params: {} };
  const defaultOrdering = readOrdering(spec, declaration.ordering ?? '-created_at', { all: true });
  if (defaultOrdering.length === 0) throw new Error('The list declaration has an empty default ordering.');
  return { id: (declared += 1), fields, defaultOrdering, params: paramsOf(fields) };
}

let declared = 0;

/** The column's property name in its table's row (`created_at` -> `createdAt`). */
function propertyOf(column: AnyColumn): string | undefined {
  const table = (column as { table?: Parameters<typeof getTableColumns>[0] }).table;
  if (!table) return undefined;
  return Object.entries(getTableColumns(table)).find(([, candidate]) => candidate === column)?.[0];
}

/** A decimal is compared as the database can (as a number on SQLite, which keeps it as text); the rest as its column. */
function comparable(field: ListField): AnyColumn {
  return field.type === 'decimal' ? (decimalOrder(field.column) as unknown as AnyColumn) : field.column;
}

// ---- reading a request ----------------------------------------------------------------------------------------

/** The filter, search and ordering of a list request; every mistake in them is one 400 with each parameter's errors. */
export function readCriteria(spec: ListSpec, query: Record<string, unknown>): ListCriteria {
  const errors: Record<string, string[]> = {};
  const conditions: Condition[] = [];
  const bound: string[] = [];
  for (const [name, field] of spec.fields) {
    for (const lookup of field.filter ?? []) {
      const param = lookup === 'exact' ? name : `${name}__${lookup}`;
      const text = valueOf(query[param], lookup === 'in');
      // an empty value is no filter, as django-filter reads it
      if (typeof text !== 'string' || text === '') continue;
      try {
        const condition = filterCondition(field, lookup, text, param);
        if (condition) {
          conditions.push(condition);
          bound.push(`${param}=${text}`);
        }
      } catch (error) {
        if (!(error instanceof FieldError)) throw error;
        errors[param] = [error.message];
      }
    }
  }
  const search = valueOf(query.search, true) ?? '';
  try {
    const condition = searchCondition(spec, search);
    if (condition) {
      conditions.push(condition);
      bound.push(`search=${search}`);
    }
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    errors.search = [error.message];
  }
  let order = spec.defaultOrdering;
  const ordering = valueOf(query.ordering, true) ?? '';
  try {
    const asked = readOrdering(spec, ordering, { all: false });
    if (asked.length > 0) order = asked;
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    errors.ordering = [error.message];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  const terms = order.map((term) => `${term.descending ? '-' : ''}${term.field.name}`).join(',');
  bound.sort().push(`ordering=${terms}`);
  return {
    spec,
    conditions,
    order,
    idDescending: order[order.length - 1]!.descending,
    binding: createHash('sha256').update(bound.join('\n')).digest('base64url').slice(0, 16),
  };
}

/**
 * A parameter's text. A list arrives comma-separated (`?ordering=price,-name`, as the document describes it) or
 * repeated (`?ordering=price&ordering=-name`, as clients that explode arrays send it): both are read alike. A single
 * value given twice is read as its last, as Django reads a query.
 */
function valueOf(value: unknown, list: boolean): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const texts = value.filter((item): item is string => typeof item === 'string');
  return list ? texts.join(',') : texts.at(-1);
}

/** A client's mistake in one parameter, reported under its name. */
class FieldError extends Error {}

function readOrdering(spec: Pick<ListSpec, 'fields'>, text: string, { all }: { all: boolean }): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const part of text.split(',').map((term) => term.trim())) {
    if (!part) continue;
    const descending = part.startsWith('-');
    const name = descending ? part.slice(1) : part;
    const field = spec.fields.get(name);
    // the default may order by any declared field; a client only by those declared `order`
    if (!field || (!all && !field.order)) {
      if (all) throw new Error(`The list's default ordering names "${name}", which is not a declared list field.`);
      throw new FieldError(`Invalid ordering field "${name.slice(0, 100)}".`);
    }
    if (!terms.some((term) => term.field === field)) terms.push({ field, descending });
  }
  return terms;
}

/** A filter's value parsed now (its mistakes are the client's 400), its SQL built for the way values are bound. */
function filterCondition(field: ResolvedField, lookup: Lookup, text: string, param: string): Condition | undefined {
  const { key } = field;
  switch (lookup) {
    case 'isnull': {
      const empty = ['true', '1'].includes(choice(text, ['true', 'false', '1', '0']));
      return { shape: `${param}=${empty}`, bounds: [], build: () => (empty ? isNull(field.column) : isNotNull(field.column)) };
    }
    case 'in': {
      const values = text.split(',').filter((value) => value !== '');
      // `?id__in=,` names no value: no filter, as an empty value is none
      if (values.length === 0) return undefined;
      if (values.length > MAX_IN_VALUES) throw new FieldError(`Ensure this value has at most ${MAX_IN_VALUES} elements.`);
      const bounds = values.map((value) => ({ key, value: parseValue(field, value) }));
      return {
        shape: `${param}:${bounds.length}`,
        bounds,
        build: (bind) =>
          field.type === 'string'
            ? or(...bounds.map((_, index) => sameText(key, bind(index))))!
            : inArray(
                key,
                bounds.map((_, index) => bind(index)),
              ),
      };
    }
    case 'icontains':
    case 'istartswith': {
      const pattern = `${lookup === 'icontains' ? '%' : ''}${likeEscape(noNul(text))}%`;
      return {
        shape: param,
        bounds: [{ key: undefined, value: pattern }],
        build: (bind) => sql`lower(${field.column}) like lower(${bind(0)}) escape '!'`,
      };
    }
    default: {
      const bounds = [{ key, value: parseValue(field, text) }];
      if (lookup === 'exact' && field.type === 'string') return { shape: param, bounds, build: (bind) => sameText(key, bind(0)) };
      const compare = { exact: eq, gt, gte, lt, lte }[lookup];
      return { shape: param, bounds, build: (bind) => compare(key, bind(0)) };
    }
  }
}

/** `%`, `_` and the escape character itself match only themselves. (`!`, not `\`: MySQL reads `'\'` as an escape.) */
function likeEscape(text: string): string {
  return text.replace(/[!%_]/g, (character) => `!${character}`);
}

function searchCondition(spec: ListSpec, text: string): Condition | undefined {
  const searched = [...spec.fields.values()].filter((field) => field.search);
  if (searched.length === 0) return undefined;
  const terms = text.split(/[\s,]+/).filter(Boolean);
  if (terms.length === 0) return undefined;
  if (terms.length > MAX_SEARCH_TERMS) throw new FieldError(`Ensure there are at most ${MAX_SEARCH_TERMS} search terms.`);
  if (terms.some((term) => term.length > MAX_SEARCH_TERM))
    throw new FieldError(`Ensure each search term has at most ${MAX_SEARCH_TERM} characters.`);
  // every term in at least one of the fields, case-insensitively, as DRF's SearchFilter matches
  const bounds = terms.map((term) => ({ key: undefined, value: `%${likeEscape(noNul(term))}%` }));
  return {
    shape: `search:${terms.length}`,
    bounds,
    build: (bind) =>
      and(
        ...bounds.map((_, index) => {
          const value = bind(index);
          return or(...searched.map((field) => sql`lower(${field.column}) like lower(${value}) escape '!'`))!;
        }),
      )!,
  };
}

function noNul(text: string): string {
  // PostgreSQL refuses a NUL in any text: a 400, not its error
  if (text.includes('\u0000')) throw new FieldError('Null characters are not allowed.');
  return text;
}

function choice(text: string, allowed: readonly string[]): string {
  if (!allowed.includes(text)) throw new FieldError(`Select a valid choice. ${text.slice(0, 100)} is not one of the available choices.`);
  return text;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `2024-02-31` is no day (V8's Date.parse would read it as March 2nd); a year past what every database holds neither. */
function isCalendarDate(text: string): boolean {
  const parts = DATE.exec(text);
  if (!parts) return false;
  const [year, month, day] = parts.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1000 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A filter's value as the field's type, in the form the column compares with; a value that does not parse is the client's mistake. */
function parseValue(field: ResolvedField, raw: string): unknown {
  const text = raw.trim();
  switch (field.type) {
    case 'integer': {
      if (!/^[+-]?\d+$/.test(text)) throw new FieldError('Enter a whole number.');
      const value = Number(text);
      // a number past the column's range would be the database's error, not an empty list
      if (value > INT32_MAX) throw new FieldError(`Ensure this value is less than or equal to ${INT32_MAX}.`);
      if (value < INT32_MIN) throw new FieldError(`Ensure this value is greater than or equal to ${INT32_MIN}.`);
      return value;
    }
    case 'decimal': {
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) throw new FieldError('Enter a number.');
      if (text.replace(/[^\d]/g, '').replace(/^0+/, '').length > 30)
        throw new FieldError('Ensure that there are no more than 30 digits in total.');
      return text.replace(/^\+/, '');
    }
    case 'datetime': {
      const time =
        DATETIME.test(text) && isCalendarDate(text.slice(0, 10))
          ? Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text.slice(10)) ? text : `${text.length === 10 ? `${text}T00:00` : text}Z`)
          : NaN;
      if (!isStorableTime(time)) throw new FieldError('Enter a valid date/time.');
      return new Date(time);
    }
    case 'date': {
      if (!isCalendarDate(text)) throw new FieldError('Enter a valid date.');
      return text;
    }
    case 'boolean':
      return ['true', '1'].includes(choice(text, ['true', 'false', '1', '0']));
    case 'enum':
      return choice(text, field.values ?? []);
    case 'uuid':
      if (!UUID.test(text)) throw new FieldError('Enter a valid UUID.');
      return text;
    case 'string':
      return noNul(raw);
  }
}

// ---- pages ----------------------------------------------------------------------------------------------------

const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A cursor-paginated list request: its criteria and, from `?cursor=`, where the page starts. */
export function cursorList(spec: ListSpec, query: Record<string, unknown>): CursorListRequest {
  const criteria = readCriteria(spec, query);
  const size = pageSize(stringOf(query.page_size));
  const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? decodeListCursor(criteria, query.cursor) : null;
  return { ...criteria, after: cursor?.after ?? null, reverse: cursor?.reverse ?? false, pageSize: size };
}

/** A limit-offset list request. */
export function offsetList(spec: ListSpec, query: Record<string, unknown>): OffsetListRequest {
  const offset = Number(query.offset);
  return {
    ...readCriteria(spec, query),
    limit: pageSize(stringOf(query.limit)),
    offset: Number.isSafeInteger(offset) && offset > 0 ? offset : 0,
  };
}

/** The cursor holds the last row's ordering values, its id, the direction and the query it belongs to. */
function encodeListCursor(criteria: ListCriteria, row: Record<string, unknown>, reverse: boolean): string {
  const values = criteria.order.map((term) => toCursorValue(term.field, row[term.field.prop]));
  return Buffer.from(JSON.stringify({ v: values, i: row.id, r: reverse ? 1 : 0, q: criteria.binding })).toString('base64url');
}

function decodeListCursor(criteria: ListCriteria, text: string): { after: { values: unknown[]; id: number }; reverse: boolean } {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null) {
      const { v, i, r, q } = value as Record<string, unknown>;
      // bound to its query: with another filter, search or ordering its position means nothing
      if (q === criteria.binding && isStorableId(i) && (r === 0 || r === 1) && Array.isArray(v) && v.length === criteria.order.length) {
        const values = criteria.order.map((term, index) => fromCursorValue(term.field, v[index]));
        if (values.every((item) => item !== INVALID)) return { after: { values, id: i as number }, reverse: r === 1 };
      }
    }
  } catch {
    // falls through: any undecodable cursor is the same client error
  }
  throw new BadRequest('Invalid cursor');
}

const INVALID = Symbol('invalid');

function toCursorValue(field: ResolvedField, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.getTime() : value;
}

/** A cursor's value checked against its field, as a filter's is: a value no column compares with is no position. */
function fromCursorValue(field: ResolvedField, value: unknown): unknown {
  if (value === null) return field.nullable ? null : INVALID;
  switch (field.type) {
    case 'integer':
      return Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX ? value : INVALID;
    case 'datetime':
      return isStorableTime(value) ? new Date(value as number) : INVALID;
    case 'boolean':
      return typeof value === 'boolean' ? value : INVALID;
    case 'decimal':
      return typeof value === 'string' && /^-?\d{1,30}(\.\d{1,30})?$/.test(value) ? value : INVALID;
    default:
      // a date, uuid, enum or string: what a filter would take, or the database would fail on it (a forged cursor)
      if (typeof value !== 'string' || value.length > 100_000) return INVALID;
      try {
        return parseValue(field, value) === value ? value : INVALID;
      } catch {
        return INVALID;
      }
  }
}

// ---- SQL ------------------------------------------------------------------------------------------------------

/**
 * The WHERE (filter, search and, for a cursor page, the keyset position) and the ORDER BY of a list request.
 * A null sorts after every value, on every database: ascending last, descending first.
 */
export function listQuery(request: ListCriteria | CursorListRequest, id: AnyColumn): { where: SQL | undefined; orderBy: SQL[] } {
  return buildQuery(request, id, (_place, bound) => bound.value);
}

/** How a query takes a value: named by its place in the request (`c0_1`: the first condition's second value). */
type Binding = (place: string, bound: Bound) => unknown;

function buildQuery(
  request: ListCriteria | CursorListRequest,
  id: AnyColumn,
  binding: Binding,
): { where: SQL | undefined; orderBy: SQL[] } {
  const reverse = 'reverse' in request && request.reverse;
  const terms = [
    ...request.order.map((term) => ({ key: term.field.key, nullable: term.field.nullable, descending: term.descending })),
    { key: id, nullable: false, descending: request.idDescending },
  ].map((term) => ({ ...term, descending: term.descending !== reverse }));
  const orderBy = terms.flatMap((term) => {
    const direction = term.descending ? desc : asc;
    return term.nullable ? [direction(sql`(${term.key} is null)`), direction(term.key)] : [direction(term.key)];
  });
  const conditions = request.conditions.map((condition, at) =>
    condition.build((index) => binding(`c${at}_${index}`, condition.bounds[index]!)),
  );
  const filter = conditions.length > 0 ? and(...conditions) : undefined;
  const after = 'after' in request ? request.after : null;
  if (!after) return { where: filter, orderBy };
  const values = [...after.values, after.id];
  const bind: Bind = (index) => binding(`k${index}`, { key: terms[index]!.key, value: values[index] });
  return { where: and(filter, keysetAfter(terms, values, bind)), orderBy };
}

/** The values a prepared list statement takes, by the places `buildQuery` names, in the driver's form. */
function placeValues(request: CursorListRequest, id: AnyColumn, values: Record<string, unknown>): void {
  // a placeholder skips drizzle's mapping of a value through its column: done here
  const driverValue = ({ key, value }: Bound) => (key && value !== null && is(key, Column) ? key.mapToDriverValue(value) : value);
  request.conditions.forEach((condition, at) => {
    condition.bounds.forEach((bound, index) => (values[`c${at}_${index}`] = driverValue(bound)));
  });
  if (!request.after) return;
  const keys = [...request.order.map((term) => term.field.key), id];
  [...request.after.values, request.after.id].forEach((value, index) => {
    if (value !== null) values[`k${index}`] = driverValue({ key: keys[index], value });
  });
}

/**
 * The most statements one list keeps: past them, a new shape of query is built for its request alone (the
 * repositories' statements have no name on the server, so nothing piles up there either).
 */
const MAX_SHAPES = 64;

/**
 * The list's page query, prepared once per shape (which filters, how many values in an `in` or terms in a search,
 * which ordering, from where) and run with the request's values: building a query costs more than running it, and a
 * request of a shape seen before builds no SQL at all. `prepare` makes the repository's statement from the WHERE and
 * ORDER BY, with the placeholder `limit` and any of its own (`userId`), whose values the call adds.
 */
export function listStatements<R>(
  id: AnyColumn,
  prepare: (query: { where: SQL | undefined; orderBy: SQL[] }) => (values: Record<string, unknown>) => Promise<R[]>,
): (request: CursorListRequest, values?: Record<string, unknown>) => Promise<R[]> {
  const statements = new Map<string, (values: Record<string, unknown>) => Promise<R[]>>();
  return (request, own = {}) => {
    const values: Record<string, unknown> = { ...own, limit: request.pageSize + 1 };
    placeValues(request, id, values);
    const shape = [
      request.spec.id,
      ...request.conditions.map((condition) => condition.shape),
      request.order.map((term) => `${term.descending ? '-' : ''}${term.field.name}`).join(','),
      request.after
        ? `after:${request.after.values.map((value) => (value === null ? 'null' : 'v')).join(',')}:${request.reverse}`
        : 'first',
    ].join('|');
    let statement = statements.get(shape);
    if (!statement) {
      statement = prepare(buildQuery(request, id, (place) => sql.placeholder(place)));
      if (statements.size < MAX_SHAPES) statements.set(shape, statement);
    }
    return statement(values);
  };
}

type KeysetTerm = { key: AnyColumn; nullable: boolean; descending: boolean };

/**
 * Rows strictly past a position in a multi-field order: past on the first field, or equal on it and past on the
 * next, and so on. The first field's `<=`/`>=` in front is what lets every database seek into the index instead of
 * scanning from its top; the rest only sorts out the rows that share it.
 */
function keysetAfter(terms: KeysetTerm[], values: unknown[], bind: Bind): SQL | undefined {
  const ties: SQL[] = [];
  const branches: SQL[] = [];
  terms.forEach((term, index) => {
    const value = values[index];
    const past = pastValue(term, value, () => bind(index));
    if (past) branches.push(ties.length > 0 ? and(...ties, past)! : past);
    ties.push(value === null ? isNull(term.key) : eq(term.key, bind(index)));
  });
  const first = terms[0]!;
  const reach = values[0] === null || first.nullable ? undefined : (first.descending ? lte : gte)(first.key, bind(0));
  return and(reach, or(...branches));
}

/** Strictly past a value in one field's direction, a null counting as past every value. */
function pastValue(term: KeysetTerm, value: unknown, bound: () => unknown): SQL | undefined {
  if (term.descending) return value === null ? isNotNull(term.key) : lt(term.key, bound());
  if (value === null) return undefined;
  const past = gt(term.key, bound());
  return term.nullable ? or(past, isNull(term.key)) : past;
}

/** The page from `pageSize + 1` rows: links are absolute URLs that keep the query's filter, search, ordering and size. */
export function listPage<T extends { id: number }>(rows: T[], request: CursorListRequest, url: URL): CursorPage<T> {
  const encode = (row: T, reverse: boolean) => encodeListCursor(request, row as unknown as Record<string, unknown>, reverse);
  return keysetPage(rows, { ...request, fromCursor: request.after !== null }, encode, url);
}

// ---- documentation --------------------------------------------------------------------------------------------

const INT32 = { type: 'integer', minimum: INT32_MIN, maximum: INT32_MAX };

/** A filter value's schema in the OpenAPI document, by the field's type. */
function valueSchema(field: ListField): Record<string, unknown> {
  switch (field.type) {
    case 'integer':
      return INT32;
    case 'decimal':
      return { type: 'number' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { type: 'string', enum: [...(field.values ?? [])] };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'string':
      return { type: 'string' };
  }
}

const LOOKUP_WORDS: Record<Lookup, string> = {
  exact: 'equal to',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  in: 'one of (comma-separated)',
  isnull: 'empty (true) or not (false)',
  icontains: 'containing, ignoring case,',
  istartswith: 'starting, ignoring case, with',
};

/** The list's query parameters, each documented with its schema; all are read as strings and parsed by `readCriteria`. */
function paramsOf(fields: ReadonlyMap<string, ResolvedField>): z.ZodRawShape {
  const shape: Record<string, z.ZodType> = {};
  // taken as sent (one text, or several when repeated) and read by readCriteria; documented by the schema they parse as
  const param = (meta: Record<string, unknown>) => z.unknown().meta(meta).optional();
  for (const [name, field] of fields) {
    for (const lookup of field.filter ?? []) {
      const schema =
        lookup === 'in' ? { type: 'array', items: valueSchema(field) } : lookup === 'isnull' ? { type: 'boolean' } : valueSchema(field);
      shape[lookup === 'exact' ? name : `${name}__${lookup}`] = param({
        ...schema,
        description: `Only rows whose ${name} is ${LOOKUP_WORDS[lookup]}${lookup === 'in' || lookup === 'isnull' ? '' : ' this'}`,
      });
    }
  }
  const searched = [...fields.values()].filter((field) => field.search).map((field) => field.name);
  if (searched.length > 0) {
    shape.search = param({
      type: 'string',
      description: `Only rows with every term (split on spaces and commas; at most ${MAX_SEARCH_TERMS}) in ${searched.join(' or ')}, ignoring case`,
    });
  }
  const ordered = [...fields.values()].filter((field) => field.order).map((field) => field.name);
  if (ordered.length > 0) {
    shape.ordering = param({
      type: 'array',
      items: { type: 'string', enum: ordered.flatMap((name) => [name, `-${name}`]) },
      description: 'The order of the list: fields, comma-separated, `-` for descending (ties are broken by the id)',
    });
  }
  return shape;
}
