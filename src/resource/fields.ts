// The --fields DSL: `name:string:unique,price:decimal:min=0,notes:text?,product_id:ref(products)`.
// Parsed and checked in full before anything is planned: every mistake is a
// usage error naming the field, what is wrong and what would be right.
import { UsageError } from '../errors.js';

export const FIELD_TYPES = ['string', 'text', 'int', 'decimal', 'boolean', 'date', 'datetime', 'uuid', 'email', 'enum', 'ref'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export type RuleName = 'min' | 'max' | 'maxLength' | 'unique' | 'default' | 'filter' | 'search' | 'order';
const RULE_NAMES: readonly RuleName[] = ['min', 'max', 'maxLength', 'unique', 'default', 'filter', 'search', 'order'];
/** Rules that take no value. */
const FLAGS: readonly RuleName[] = ['unique', 'search', 'order'];

/** The list lookups of contract §6, and which each type takes (`isnull` only when the field is optional). */
export const LOOKUPS = ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull', 'icontains', 'istartswith'] as const;
export type Lookup = (typeof LOOKUPS)[number];
const RANGE: readonly Lookup[] = ['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'isnull'];
export const LOOKUPS_OF: Record<FieldType, readonly Lookup[]> = {
  string: [...RANGE, 'icontains', 'istartswith'],
  email: [...RANGE, 'icontains', 'istartswith'],
  text: ['exact', 'isnull', 'icontains', 'istartswith'],
  int: RANGE,
  decimal: RANGE,
  date: RANGE,
  datetime: RANGE,
  uuid: ['exact', 'in', 'isnull'],
  enum: ['exact', 'in', 'isnull'],
  ref: ['exact', 'in', 'isnull'],
  boolean: ['exact', 'isnull'],
};
/** What a bare `filter` declares. */
const DEFAULT_LOOKUPS: Record<FieldType, readonly Lookup[]> = {
  string: ['exact', 'icontains', 'istartswith'],
  email: ['exact', 'icontains', 'istartswith'],
  text: ['icontains'],
  int: ['exact', 'gt', 'gte', 'lt', 'lte'],
  decimal: ['exact', 'gt', 'gte', 'lt', 'lte'],
  date: ['exact', 'gt', 'gte', 'lt', 'lte'],
  datetime: ['exact', 'gt', 'gte', 'lt', 'lte'],
  uuid: ['exact'],
  enum: ['exact', 'in'],
  ref: ['exact', 'in'],
  boolean: ['exact'],
};

/** Which rules each type takes: a rule elsewhere is refused, not ignored. */
// `filter`, `search` and `order` declare the list (contract §6); a text is not ordered (MySQL cannot index it whole)
export const RULES_OF: Record<FieldType, readonly RuleName[]> = {
  string: ['maxLength', 'unique', 'default', 'filter', 'search', 'order'],
  text: ['maxLength', 'filter', 'search'],
  email: ['maxLength', 'unique', 'filter', 'search', 'order'],
  int: ['min', 'max', 'unique', 'default', 'filter', 'order'],
  decimal: ['min', 'max', 'default', 'filter', 'order'],
  boolean: ['default', 'filter', 'order'],
  date: ['unique', 'default', 'filter', 'order'],
  datetime: ['filter', 'order'],
  uuid: ['unique', 'filter', 'order'],
  enum: ['default', 'filter', 'order'],
  // a ref is a plain many-to-one: a unique ref (one-to-one) would need a referenced row per test row
  ref: ['filter', 'order'],
};

export interface Field {
  /** snake_case: the API's field and the column */
  readonly name: string;
  /** camelCase: the table's property */
  readonly prop: string;
  readonly type: FieldType;
  readonly optional: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
  readonly unique: boolean;
  /** the default as the value it stands for (a string, number or boolean) */
  readonly default?: string | number | boolean;
  /** enum(a|b|c) */
  readonly values?: readonly string[];
  /** ref(products): the resource named, as written */
  readonly ref?: string;
  /** the list's lookups on it (`filter=gte|lte`); none when absent */
  readonly filter?: readonly Lookup[];
  /** one of the fields the list's `?search=` looks in */
  readonly search?: boolean;
  /** a field the list's `?ordering=` may name */
  readonly order?: boolean;
}

/** Fields every resource has already, or that access rules add. */
const RESERVED_FIELDS = new Set(['id', 'created_at', 'updated_at', 'user_id']);
/** PostgreSQL keeps 63 characters of a name (MySQL 64) and drops the rest: columns, indexes and constraints must fit. */
const MAX_IDENTIFIER = 63;

/** Refuses a name drizzle would give an index or constraint that PostgreSQL would cut short or MySQL refuse. */
export function assertIdentifiersFit(identifiers: readonly string[]): void {
  const long = identifiers.find((identifier) => identifier.length > MAX_IDENTIFIER);
  if (long) {
    throw new UsageError(
      `The database name ${long} would be ${long.length} characters, over the ${MAX_IDENTIFIER} PostgreSQL and MySQL keep; use a shorter resource or field name.`,
    );
  }
}

// Limits that hold on every database. MySQL: a row's VARCHARs share 65,535 bytes (4 a character in utf8mb4), an
// index key is at most 3,072 bytes, and TEXT holds 65,535 bytes.
export const MAX_VARCHAR = 4_000;
const MAX_ROW_VARCHAR = 12_000;
export const MAX_UNIQUE_VARCHAR = 768;
const MAX_TEXT = 16_000;
export const DEFAULT_LENGTH: Partial<Record<FieldType, number>> = { string: 255, email: 254, text: 10_000 };
const MIN_EMAIL_LENGTH = 20;
// a decimal column is DECIMAL(12, 2): ten digits before the point
const DECIMAL_LIMIT = 1e10;
export const INT_LIMIT = 2 ** 31 - 1;

/**
 * The field syntax for a command's --help, from the tables above: each type with the rules it takes, and the
 * lookups a `filter` may name (a new type or rule shows here without another edit).
 */
export function fieldSpecHelp(): string {
  const typeName = (type: FieldType) => (type === 'enum' ? 'enum(a|b|c)' : type === 'ref' ? 'ref(<resource>)' : type);
  const width = Math.max(...FIELD_TYPES.map((type) => typeName(type).length));
  return [
    'Fields: name:type[?][:rule...], comma separated; ? makes the field optional. Names are snake_case.',
    'Types, and the rules each takes:',
    ...FIELD_TYPES.map((type) => `  ${typeName(type).padEnd(width)}  ${RULES_OF[type].join(', ')}`),
    "Rules: min=N, max=N, maxLength=N, default=V, unique; and the list's: filter (or filter=gte|lte, the lookups",
    `of its type: ${LOOKUPS.join(', ')}), search, order.`,
    'Example: --fields "name:string:unique:search,price:decimal:min=0:filter=gte|lte:order,notes:text?,mood:enum(happy|sad)"',
  ].join('\n');
}

export function parseFields(spec: string): Field[] {
  // `,` separates fields, so `enum(happy,sad)` would read as two: say how to write it instead
  const enumWithCommas = /enum\(([^()]*,[^()]*)\)/.exec(spec);
  if (enumWithCommas) {
    const values = enumWithCommas[1]!.split(',').map((value) => value.trim());
    throw new UsageError(`--fields: enum values are separated by "|", not "," (which separates fields): write enum(${values.join('|')}).`);
  }
  const parts = joinLookups(spec.split(',').map((part) => part.trim()));
  if (parts.every((part) => !part))
    throw new UsageError('--fields is empty: give at least one field, e.g. --fields "name:string,price:decimal:min=0".');
  parts.forEach((part, index) => {
    if (!part) throw new UsageError(`--fields has an empty entry (number ${index + 1} of ${parts.length}): remove the extra comma.`);
    // `default=a,b` split the default in two: say so, rather than blame a field "b"
    if (index > 0 && !part.includes(':') && /(^|:)default=/.test(parts[index - 1]!)) {
      throw new UsageError(
        `--fields: "${parts[index - 1]},${part}": a default cannot contain "," (it separates fields) or ":" (it separates rules).`,
      );
    }
  });
  const fields = parts.map(parseField);
  const rowLength = fields.reduce(
    (sum, field) => sum + (field.type === 'string' || field.type === 'email' ? (field.maxLength ?? DEFAULT_LENGTH[field.type]!) : 0),
    0,
  );
  if (rowLength > MAX_ROW_VARCHAR) {
    throw new UsageError(
      `--fields: the string fields' maxLengths add up to ${rowLength} characters, more than one MySQL row holds (${MAX_ROW_VARCHAR}); make the long ones text.`,
    );
  }
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new UsageError(`Field "${field.name}" is given twice in --fields.`);
    seen.add(field.name);
  }
  return fields;
}

/**
 * `price:decimal:filter=gte,lte:order`: after a `filter=`, a piece that starts with a lookup and goes on with a rule
 * (or nothing), not a type, is more of the filter, not a field.
 */
function joinLookups(parts: string[]): string[] {
  const joined: string[] = [];
  for (const part of parts) {
    const previous = joined[joined.length - 1];
    const [head = '', next] = part.split(':');
    const continues = (LOOKUPS as readonly string[]).includes(head) && (next === undefined || !isTypeText(next));
    if (previous !== undefined && continues && /:filter=[^:]*$/.test(previous)) joined[joined.length - 1] = `${previous},${part}`;
    else joined.push(part);
  }
  return joined;
}

function isTypeText(text: string): boolean {
  const type = text.replace(/\?$/, '');
  return (FIELD_TYPES as readonly string[]).includes(type) || /^(enum|ref)\(/.test(type);
}

/** The property a field's column has in its table's rows: `unit_price` -> `unitPrice`. */
export const propOf = (name: string): string => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/**
 * The rules a new field's name meets (add-resource, add-field, rename-field's new name): snake_case, not one the
 * generated code sets, not a member every JavaScript object has (drizzle's update reads `set[property]` for every
 * column: an update leaving out `value_of` would bind Object's inherited `valueOf`), and short enough for PostgreSQL.
 */
export function assertNewFieldName(name: string, where: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(name) || name.endsWith('_') || name.includes('__')) {
    throw new UsageError(`${where}: the name must be snake_case (lowercase letters, digits and single underscores), e.g. unit_price.`);
  }
  if (RESERVED_FIELDS.has(name)) {
    throw new UsageError(`${where}: "${name}" is set by the generated code itself (${[...RESERVED_FIELDS].join(', ')} are reserved).`);
  }
  const prop = propOf(name);
  if (prop in Object.prototype) {
    throw new UsageError(
      `${where}: "${name}" (the property ${prop}) is a name every JavaScript object has already, so an object without the field would still seem to have one; name it e.g. ${name === 'constructor' ? 'constructor_name' : `${name}_value`}.`,
    );
  }
  // two long names that share their first 63 characters would be one column on PostgreSQL (and none on MySQL)
  if (name.length > MAX_IDENTIFIER) {
    throw new UsageError(
      `${where}: the name is ${name.length} characters, over the ${MAX_IDENTIFIER} a PostgreSQL column keeps; shorten it.`,
    );
  }
}

function parseField(part: string): Field {
  const [rawName = '', rawType, ...rawRules] = part.split(':');
  const where = `Field "${part}"`;
  const name = rawName.trim();
  assertNewFieldName(name, where);
  if (!rawType) throw new UsageError(`${where} has no type: write name:type, with type one of ${FIELD_TYPES.join(', ')}.`);
  const optional = rawType.endsWith('?');
  const typeText = optional ? rawType.slice(0, -1) : rawType;
  const { type, values, ref } = parseType(typeText, where);

  const rules: Partial<Record<RuleName, string | true>> = {};
  for (const rawRule of rawRules) {
    const [ruleName = '', ...valueParts] = rawRule.split('=');
    const value = valueParts.length > 0 ? valueParts.join('=') : true;
    if (!isRule(ruleName))
      throw new UsageError(`${where}: unknown rule "${ruleName}"; rules are ${RULE_NAMES.slice(0, -1).join(', ')} and order.`);
    if (!RULES_OF[type].includes(ruleName)) {
      const fits = RULES_OF[type];
      throw new UsageError(
        `${where}: rule "${ruleName}" does not fit type ${type}; ${type} takes ${fits.length ? fits.join(', ') : 'no rules'}.`,
      );
    }
    if (ruleName in rules) throw new UsageError(`${where}: rule "${ruleName}" is given twice.`);
    if (FLAGS.includes(ruleName) ? value !== true : value === true && ruleName !== 'filter') {
      throw new UsageError(
        FLAGS.includes(ruleName)
          ? `${where}: ${ruleName} takes no value.`
          : `${where}: rule ${ruleName} needs a value, e.g. ${ruleName}=10.`,
      );
    }
    rules[ruleName] = value;
  }

  const field: Field = {
    name,
    prop: propOf(name),
    type,
    optional,
    unique: rules.unique === true,
    ...(rules.filter !== undefined ? { filter: parseLookups(rules.filter, type, optional, where) } : {}),
    ...(rules.search ? { search: true } : {}),
    ...(rules.order ? { order: true } : {}),
    ...(values ? { values } : {}),
    ...(ref ? { ref } : {}),
    ...numberRule('min', rules.min, type, where),
    ...numberRule('max', rules.max, type, where),
    ...lengthRule(rules.maxLength, type, where),
  };
  checkCombination(field, where);
  return rules.default === undefined ? field : { ...field, default: parseDefault(String(rules.default), field, where) };
}

function isRule(name: string): name is RuleName {
  return (RULE_NAMES as readonly string[]).includes(name);
}

/** `filter` alone: the type's usual lookups; `filter=gte|lte` (or `gte,lte`): those, each fitting the type. */
function parseLookups(value: string | true, type: FieldType, optional: boolean, where: string): Lookup[] {
  if (value === true) return [...DEFAULT_LOOKUPS[type]];
  const lookups = value.split(/[|,]/).map((lookup) => lookup.trim());
  const fits = LOOKUPS_OF[type].filter((lookup) => lookup !== 'isnull' || optional);
  for (const lookup of lookups) {
    if (!(LOOKUPS as readonly string[]).includes(lookup))
      throw new UsageError(`${where}: unknown lookup "${lookup}"; lookups are ${LOOKUPS.join(', ')}.`);
    if (!fits.includes(lookup as Lookup)) {
      const why = lookup === 'isnull' && !optional ? ' (isnull needs an optional field, name:type?)' : '';
      throw new UsageError(`${where}: lookup "${lookup}" does not fit type ${type}${why}; it takes ${fits.join(', ')}.`);
    }
  }
  if (new Set(lookups).size !== lookups.length) throw new UsageError(`${where}: a lookup is given twice in filter=${value}.`);
  return lookups as Lookup[];
}

function parseType(text: string, where: string): { type: FieldType; values?: string[]; ref?: string } {
  const enumMatch = /^enum\((.*)\)$/.exec(text);
  if (enumMatch) {
    const values = enumMatch[1]!.split('|').map((value) => value.trim());
    if (values.length < 2 || values.some((value) => !/^[A-Za-z0-9_.-]+$/.test(value))) {
      throw new UsageError(
        `${where}: enum needs two or more values of letters, digits, _ . or -, separated by |, e.g. enum(draft|published).`,
      );
    }
    if (new Set(values).size !== values.length) throw new UsageError(`${where}: enum values repeat.`);
    return { type: 'enum', values };
  }
  const refMatch = /^ref\((.*)\)$/.exec(text);
  if (refMatch) {
    const ref = refMatch[1]!.trim();
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(ref)) throw new UsageError(`${where}: ref names a resource, e.g. ref(products).`);
    return { type: 'ref', ref };
  }
  if (!(FIELD_TYPES as readonly string[]).includes(text) || text === 'enum' || text === 'ref') {
    throw new UsageError(
      `${where}: unknown type "${text}"; types are ${FIELD_TYPES.filter((t) => t !== 'enum' && t !== 'ref').join(', ')}, enum(a|b|c) and ref(<resource>).`,
    );
  }
  return { type: text as FieldType };
}

function numberRule(
  rule: 'min' | 'max',
  value: string | true | undefined,
  type: FieldType,
  where: string,
): Partial<Pick<Field, 'min' | 'max'>> {
  if (value === undefined) return {};
  const text = String(value);
  const number = Number(text);
  const pattern = type === 'int' ? /^-?\d+$/ : /^-?\d+(\.\d{1,2})?$/;
  const limit = type === 'int' ? INT_LIMIT : DECIMAL_LIMIT;
  if (!pattern.test(text) || Math.abs(number) >= limit) {
    const shape =
      type === 'int'
        ? `a whole number between ${-INT_LIMIT} and ${INT_LIMIT}`
        : 'a number with at most two decimal places and ten digits before the point';
    throw new UsageError(`${where}: ${rule}=${text} is not ${shape}.`);
  }
  return { [rule]: number };
}

function lengthRule(value: string | true | undefined, type: FieldType, where: string): Partial<Pick<Field, 'maxLength'>> {
  if (value === undefined) return {};
  const text = String(value);
  const length = Number(text);
  const low = type === 'email' ? MIN_EMAIL_LENGTH : 1;
  const high = type === 'text' ? MAX_TEXT : MAX_VARCHAR;
  if (!/^\d+$/.test(text) || length < low || length > high) {
    const hint = type === 'string' && length > high ? ' (use type text for longer values)' : '';
    throw new UsageError(`${where}: maxLength=${text} must be a whole number from ${low} to ${high}${hint}.`);
  }
  return { maxLength: length };
}

function checkCombination(field: Field, where: string): void {
  if (field.min !== undefined && field.max !== undefined && field.min > field.max) {
    throw new UsageError(`${where}: min (${field.min}) is greater than max (${field.max}).`);
  }
  if (field.unique && field.optional) {
    throw new UsageError(`${where}: a unique field cannot be optional (empty values would not be unique); drop one of ? and unique.`);
  }
  if (
    field.unique &&
    (field.type === 'string' || field.type === 'email') &&
    (field.maxLength ?? DEFAULT_LENGTH[field.type]!) > MAX_UNIQUE_VARCHAR
  ) {
    throw new UsageError(`${where}: a unique ${field.type} needs maxLength=${MAX_UNIQUE_VARCHAR} or less (an index key's limit on MySQL).`);
  }
  if (field.unique && field.type === 'int' && field.min !== undefined && field.max !== undefined && field.max - field.min < 9) {
    throw new UsageError(`${where}: a unique int needs room for at least ten values between min and max.`);
  }
}

function parseDefault(text: string, field: Field, where: string): string | number | boolean {
  const refuse = (right: string): never => {
    throw new UsageError(`${where}: default=${text} is not ${right}.`);
  };
  switch (field.type) {
    case 'int': {
      if (!/^-?\d+$/.test(text)) refuse('a whole number');
      const value = Number(text);
      if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) refuse('within min and max');
      return value;
    }
    case 'decimal': {
      if (!/^-?\d+(\.\d{1,2})?$/.test(text) || Math.abs(Number(text)) >= DECIMAL_LIMIT) refuse('a number with at most two decimal places');
      const value = Number(text);
      if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) refuse('within min and max');
      return value.toFixed(2);
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') refuse('true or false');
      return text === 'true';
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) refuse('a date like 2026-01-31');
      return text;
    case 'enum':
      if (!field.values!.includes(text)) refuse(`one of ${field.values!.join(', ')}`);
      return text;
    default:
      if (text.length === 0 || text.length > (field.maxLength ?? DEFAULT_LENGTH[field.type] ?? 255))
        refuse('a non-empty text within maxLength');
      return text;
  }
}
