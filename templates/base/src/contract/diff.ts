/**
 * What changed between a released version's OpenAPI document and the live one,
 * judged from a client's side: a change a client could notice is breaking;
 * one no client can notice (a new endpoint, a new optional field) is compatible.
 */

import { INT32_MAX, INT32_MIN } from '../core/bounds.js';

type Schema = Record<string, unknown>;
type Document = { paths?: Record<string, Record<string, Schema>>; components?: { schemas?: Record<string, Schema> } };

/** `value` with every `$ref` to `#/components/schemas/X` replaced by X itself (recursively; our schemas have no cycles). */
function inlined(document: Document, value: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((item) => inlined(document, item, seen));
  if (!value || typeof value !== 'object') return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const name = ref.slice('#/components/schemas/'.length);
    const target = document.components?.schemas?.[name];
    if (target && !seen.includes(name)) return inlined(document, target, [...seen, name]);
  }
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, inlined(document, inner, seen)]));
}

export interface Change {
  /** `GET /api/v1/products` */
  endpoint: string;
  /** where in the endpoint: the request body, the response, a query parameter, the endpoint itself */
  where: 'endpoint' | 'request' | 'response' | 'query' | 'status';
  /** `results[].price`; empty for the endpoint itself */
  field: string;
  /** `removed`, `type integer -> string`, `maxLength 200 -> 100`, ... */
  change: string;
  breaking: boolean;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function compareDocuments(released: Document, live: Document): Change[] {
  const changes: Change[] = [];
  // compared as a client reads them: every named schema in place of its reference, so a document written before
  // schemas were named compares equal to the same one with them
  const oldPaths = (inlined(released, released.paths) ?? {}) as NonNullable<Document['paths']>;
  const newPaths = (inlined(live, live.paths) ?? {}) as NonNullable<Document['paths']>;
  for (const path of union(Object.keys(oldPaths), Object.keys(newPaths))) {
    for (const method of METHODS) {
      const before = oldPaths[path]?.[method];
      const after = newPaths[path]?.[method];
      const endpoint = `${method.toUpperCase()} ${path}`;
      if (!before && !after) continue;
      if (!after) changes.push({ endpoint, where: 'endpoint', field: '', change: 'removed', breaking: true });
      else if (!before) changes.push({ endpoint, where: 'endpoint', field: '', change: 'added', breaking: false });
      else changes.push(...compareOperation(endpoint, before, after));
    }
  }
  return changes;
}

function compareOperation(endpoint: string, before: Schema, after: Schema): Change[] {
  const changes: Change[] = [];
  const add = (change: Omit<Change, 'endpoint'>) => changes.push({ endpoint, ...change });

  const oldResponses = (before.responses ?? {}) as Record<string, Schema>;
  const newResponses = (after.responses ?? {}) as Record<string, Schema>;
  for (const status of Object.keys(oldResponses).filter((code) => code !== 'default')) {
    if (!newResponses[status]) {
      add({ where: 'status', field: status, change: 'removed', breaking: true });
      continue;
    }
    compareSchema(jsonBody(oldResponses[status]), jsonBody(newResponses[status]), '', 'response', add);
  }
  for (const status of Object.keys(newResponses).filter((code) => code !== 'default' && !oldResponses[code])) {
    add({ where: 'status', field: status, change: 'added', breaking: false });
  }

  compareSchema(jsonBody(before.requestBody as Schema | undefined), jsonBody(after.requestBody as Schema | undefined), '', 'request', add);

  const oldQuery = queryParameters(before);
  const newQuery = queryParameters(after);
  for (const name of union([...oldQuery.keys()], [...newQuery.keys()])) {
    const was = oldQuery.get(name);
    const is = newQuery.get(name);
    if (was && !is) add({ where: 'query', field: name, change: 'removed', breaking: true });
    else if (!was && is)
      add({ where: 'query', field: name, change: is.required ? 'added as required' : 'added', breaking: Boolean(is.required) });
    else if (was && is && !was.required && is.required) add({ where: 'query', field: name, change: 'made required', breaking: true });
    // what a parameter takes may widen, never narrow: an ordering field or an enum value gone breaks who sent it
    if (was?.schema && is?.schema) compareSchema(was.schema, is.schema, name, 'request', (change) => add({ ...change, where: 'query' }));
  }
  return changes;
}

function jsonBody(container: Schema | undefined): Schema | undefined {
  const content = container?.content as Record<string, { schema?: Schema }> | undefined;
  return content?.['application/json']?.schema;
}

function queryParameters(operation: Schema): Map<string, { required?: boolean; schema?: Schema }> {
  const parameters = (operation.parameters ?? []) as { name: string; in: string; required?: boolean; schema?: Schema }[];
  return new Map(parameters.filter((parameter) => parameter.in === 'query').map((parameter) => [parameter.name, parameter]));
}

type Add = (change: Omit<Change, 'endpoint'>) => void;

/**
 * Walks two schemas side by side. In a response, a client reads: what it read
 * must stay (same type, never null, never absent). In a request, a client
 * writes: what it wrote must stay accepted (no new required field, no tighter rule).
 */
function compareSchema(
  before: Schema | undefined,
  after: Schema | undefined,
  field: string,
  where: 'request' | 'response',
  add: Add,
): void {
  if (!before && !after) return;
  if (!before || !after) {
    // a body that appears or disappears: the whole body is the field
    add({
      where,
      field: field || '(body)',
      change: before ? 'removed' : 'added',
      breaking: where === 'response' ? Boolean(before) : Boolean(after),
    });
    return;
  }
  const oldTypes = typesOf(before);
  const newTypes = typesOf(after);
  const label = (types: Set<string>) =>
    [...types]
      .filter((type) => type !== 'null')
      .sort()
      .join('|') || 'null';
  const nonNull = (types: Set<string>) => new Set([...types].filter((type) => type !== 'null'));
  if (label(oldTypes) !== label(newTypes)) {
    // a response may only narrow what it sends; a request may only widen what it takes
    const breaking = where === 'response' ? !within(nonNull(newTypes), nonNull(oldTypes)) : !within(nonNull(oldTypes), nonNull(newTypes));
    add({ where, field: field || '(body)', change: `type ${label(oldTypes)} -> ${label(newTypes)}`, breaking });
    return;
  }
  if (where === 'response' && !oldTypes.has('null') && newTypes.has('null')) add({ where, field, change: 'made nullable', breaking: true });
  if (where === 'request' && oldTypes.has('null') && !newTypes.has('null'))
    add({ where, field, change: 'no longer takes null', breaking: true });
  compareRules(before, after, field, where, add);

  const oldObject = objectPart(before);
  const newObject = objectPart(after);
  if (oldObject && newObject) {
    const oldProps = (oldObject.properties ?? {}) as Record<string, Schema>;
    const newProps = (newObject.properties ?? {}) as Record<string, Schema>;
    const oldRequired = new Set((oldObject.required ?? []) as string[]);
    const newRequired = new Set((newObject.required ?? []) as string[]);
    for (const name of union(Object.keys(oldProps), Object.keys(newProps))) {
      const path = field ? `${field}.${name}` : name;
      const was = oldProps[name];
      const is = newProps[name];
      if (was && !is) {
        // a response field clients read, or a request field whose value would now be dropped without a word
        add({ where, field: path, change: 'removed', breaking: true });
      } else if (!was && is) {
        const required = newRequired.has(name);
        add({
          where,
          field: path,
          change: required && where === 'request' ? 'added as required' : 'added',
          breaking: required && where === 'request',
        });
      } else if (was && is) {
        if (where === 'request' && !oldRequired.has(name) && newRequired.has(name))
          add({ where, field: path, change: 'made required', breaking: true });
        if (where === 'response' && oldRequired.has(name) && !newRequired.has(name))
          add({ where, field: path, change: 'made optional', breaking: true });
        compareSchema(was, is, path, where, add);
      }
    }
  }
  const oldItems = arrayItems(before);
  const newItems = arrayItems(after);
  if (oldItems && newItems) compareSchema(oldItems, newItems, `${field}[]`, where, add);
}

/** Tighter rules on what a client sends break it; looser ones on what it reads might too. */
function compareRules(before: Schema, after: Schema, field: string, where: 'request' | 'response', add: Add): void {
  const oldRules = rulesOf(before);
  const newRules = rulesOf(after);
  const report = (rule: string, was: unknown, is: unknown, tighter: boolean) => {
    const text = (value: unknown) => (value === undefined ? 'none' : Array.isArray(value) ? value.join('|') : String(value));
    add({
      where,
      field: field || '(body)',
      change: `${rule} ${text(was)} -> ${text(is)}`,
      breaking: where === 'request' ? tighter : !tighter,
    });
  };
  // a request's integer bound stated where none was, at its column's own range: the database refused what lies past
  // it all along (a 500, before the document said so), so no client that worked is refused now. (In a response any
  // new bound is a narrowing, compatible as it is.)
  const columnRange = (rule: string, was: unknown, is: unknown) =>
    where === 'request' &&
    was === undefined &&
    after.type === 'integer' &&
    ((rule === 'maximum' && is === INT32_MAX) || (rule === 'minimum' && is === INT32_MIN));
  for (const rule of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const) {
    const [was, is] = [oldRules[rule], newRules[rule]];
    if (was === is) continue;
    report(rule, was, is, is !== undefined && (was === undefined || is < was) && !columnRange(rule, was, is));
  }
  for (const rule of ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const) {
    const [was, is] = [oldRules[rule], newRules[rule]];
    if (was === is) continue;
    report(rule, was, is, is !== undefined && (was === undefined || is > was) && !columnRange(rule, was, is));
  }
  if (oldRules.enum || newRules.enum) {
    // no enum is "any value": a request may only take more values, a response may only send fewer
    const was = oldRules.enum;
    const is = newRules.enum;
    const lost = is !== undefined && (was === undefined || was.some((value) => !is.includes(value)));
    const gained = was !== undefined && (is === undefined || is.some((value) => !was.includes(value)));
    if (lost || gained) {
      const text = (values: unknown[] | undefined) => (values === undefined ? 'any' : values.join('|'));
      add({ where, field: field || '(body)', change: `enum ${text(was)} -> ${text(is)}`, breaking: where === 'request' ? lost : gained });
    }
  }
  for (const rule of ['format', 'pattern'] as const) {
    const [was, is] = [oldRules[rule], newRules[rule]];
    if (was === is) continue;
    // one rule for another is a change either way; a rule added tightens, a rule dropped loosens
    const breaking = was !== undefined && is !== undefined ? true : where === 'request' ? is !== undefined : was !== undefined;
    add({ where, field: field || '(body)', change: `${rule} ${was ?? 'none'} -> ${is ?? 'none'}`, breaking });
  }
}

interface Rules {
  maximum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  minItems?: number;
  enum?: unknown[];
  format?: string;
  pattern?: string;
}

/** The rules of a schema and of the non-null branches of its anyOf. */
function rulesOf(schema: Schema): Rules {
  const branches = [schema, ...((schema.anyOf ?? schema.oneOf ?? []) as Schema[]).filter((branch) => branch.type !== 'null')];
  const rules: Rules = {};
  for (const branch of branches) {
    for (const key of [
      'maximum',
      'exclusiveMaximum',
      'maxLength',
      'maxItems',
      'minimum',
      'exclusiveMinimum',
      'minLength',
      'minItems',
      'format',
      'pattern',
    ] as const) {
      if (branch[key] !== undefined) (rules as Record<string, unknown>)[key] = branch[key];
    }
    if (Array.isArray(branch.enum)) rules.enum = (branch.enum as unknown[]).filter((value) => value !== null);
    else if (branch.const !== undefined) rules.enum = [...(rules.enum ?? []), branch.const];
  }
  return rules;
}

/** JSON types a schema allows: `type` (one or a list), anyOf/oneOf branches, const and enum values. */
function typesOf(schema: Schema): Set<string> {
  const types = new Set<string>();
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) for (const branch of branches) for (const type of typesOf(branch)) types.add(type);
  if (typeof schema.type === 'string') types.add(schema.type);
  if (Array.isArray(schema.type)) for (const type of schema.type) types.add(String(type));
  const values = Array.isArray(schema.enum) ? (schema.enum as unknown[]) : schema.const !== undefined ? [schema.const] : [];
  for (const value of values)
    types.add(value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value === 'number' ? 'number' : typeof value);
  if (types.size === 0) types.add('any');
  return types;
}

function objectPart(schema: Schema): Schema | undefined {
  if (schema.properties) return schema;
  return ((schema.anyOf ?? schema.oneOf ?? []) as Schema[]).find((branch) => branch.properties);
}

function arrayItems(schema: Schema): Schema | undefined {
  if (schema.items) return schema.items as Schema;
  return ((schema.anyOf ?? schema.oneOf ?? []) as Schema[]).find((branch) => branch.items)?.items as Schema | undefined;
}

/** Every type of `small` is one of `big`'s (an integer is a number). */
function within(small: Set<string>, big: Set<string>): boolean {
  return [...small].every((type) => big.has(type) || (type === 'integer' && big.has('number')));
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
