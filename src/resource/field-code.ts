// What one field becomes in each generated file: its column, its line of a
// version's defineFields (its read and write schema), the same as the separate
// schemas of a version written before defineFields (read, write, patch, present),
// and the values the generated tests send.
// The strings are TypeScript; Prettier lays them out afterwards.
import { DEFAULT_LENGTH, INT_LIMIT, type Field } from './fields.js';

export interface FieldCode {
  readonly name: string;
  readonly prop: string;
  /** `varchar('slug', 80).notNull().unique()` */
  readonly column: string;
  /** the db/columns.ts helpers the column uses */
  readonly columnHelpers: readonly string[];
  /** create: required unless optional or defaulted */
  readonly write: string;
  /** partial update: every field optional */
  readonly patch: string;
  readonly read: string;
  /** the read value, from `row` */
  readonly present: string;
  /** its one line in a version's `defineFields`: `{ read: z.int32(), write: z.int32().min(0) }` */
  readonly entry: string;
  /** what that line takes from core/fields.ts */
  readonly entryHelpers: readonly string[];
  /** a valid value in the tests, from the counter `i` (0-9) and, for a ref, the referenced id `ref` */
  readonly sample: string;
  /** values the write schema must refuse with a 400 on this field */
  readonly invalid: readonly string[];
  /** true when a create without it is a 400 "This field is required." */
  readonly required: boolean;
}

const literal = (value: unknown) => (typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value));

export function fieldCode(field: Field, refTable?: string): FieldCode {
  const column = columnOf(field, refTable);
  const base = writeOf(field);
  const required = !field.optional && field.default === undefined;
  // optional fields take null to clear them; defaulted ones are left to the column's default when absent
  const writing = (schema: string) => (field.optional ? `${schema}.nullable().optional()` : required ? schema : `${schema}.optional()`);
  const reading = (schema: string) => (field.optional ? `${schema}.nullable()` : schema);
  const write = writing(base);
  const patch = field.optional ? `${base}.nullable().optional()` : `${base}.optional()`;
  const read = reading(readOf(field));
  // in defineFields, a decimal's read schema and a datetime's write schema are core's (core/fields.ts), so each field
  // stays one line; a version written before defineFields may be in a project without that file
  const entryRead = field.type === 'decimal' ? reading('decimalText') : read;
  const entryWrite = field.type === 'datetime' ? writing('instant()') : write;
  return {
    name: field.name,
    prop: field.prop,
    column: column.expression,
    columnHelpers: column.helpers,
    write,
    patch,
    read,
    present: presentOf(field),
    entry: `{ read: ${entryRead}, write: ${entryWrite} }`,
    entryHelpers: field.type === 'decimal' ? ['decimalText'] : field.type === 'datetime' ? ['instant'] : [],
    sample: sampleOf(field),
    invalid: invalidOf(field),
    required,
  };
}

function columnOf(field: Field, refTable?: string): { expression: string; helpers: string[] } {
  const { name } = field;
  const length = field.maxLength ?? DEFAULT_LENGTH[field.type];
  const [helper, expression] = ((): [string, string] => {
    switch (field.type) {
      case 'string':
      case 'email':
        return ['varchar', `varchar('${name}', ${length})`];
      case 'enum':
        return ['varchar', `varchar('${name}', ${Math.max(...field.values!.map((value) => value.length))})`];
      case 'text':
        return ['longText', `longText('${name}')`];
      case 'int':
        return ['int', `int('${name}')`];
      case 'decimal':
        return ['decimal', `decimal('${name}', 12, 2)`];
      case 'boolean':
        return ['bool', `bool('${name}')`];
      case 'date':
        return ['date', `date('${name}')`];
      case 'datetime':
        return ['timestamp', `timestamp('${name}')`];
      case 'uuid':
        return ['uuid', `uuid('${name}')`];
      case 'ref':
        return ['foreignId', `foreignId('${name}')`];
    }
  })();
  // the column holds one of the values: typed so, rows read as that union
  let chain = field.type === 'enum' ? `${expression}.$type<${field.values!.map(literal).join(' | ')}>()` : expression;
  if (!field.optional) chain += '.notNull()';
  if (field.unique) chain += '.unique()';
  if (field.default !== undefined) chain += `.default(${literal(field.default)})`;
  // a referenced row cannot be deleted while this one points at it: the API answers 409
  if (field.type === 'ref') chain += `.references(() => ${refTable}.id, { onDelete: 'restrict' })`;
  return { expression: chain, helpers: [helper] };
}

function writeOf(field: Field): string {
  const length = field.maxLength ?? DEFAULT_LENGTH[field.type];
  const range = (min?: number, max?: number) => `${min === undefined ? '' : `.min(${min})`}${max === undefined ? '' : `.max(${max})`}`;
  switch (field.type) {
    case 'string':
    case 'text':
      return `z.string().trim().min(1).max(${length})`;
    case 'email':
      return `z.email().max(${length})`;
    case 'int':
      return `z.int32()${range(field.min, field.max)}`;
    case 'decimal': {
      const bounds = [field.min === undefined ? '' : `, min: ${field.min}`, field.max === undefined ? '' : `, max: ${field.max}`].join('');
      return `decimal({ places: 2, maxDigits: 12${bounds} })`;
    }
    case 'boolean':
      return 'z.boolean()';
    case 'date':
      return 'z.iso.date()';
    case 'datetime':
      // an instant with its offset, stored as that instant
      return 'z.iso.datetime({ offset: true }).transform((value) => new Date(value))';
    case 'uuid':
      return 'z.uuid()';
    case 'enum':
      return `z.enum([${field.values!.map(literal).join(', ')}])`;
    case 'ref':
      return 'z.int().positive()';
  }
}

function readOf(field: Field): string {
  switch (field.type) {
    case 'string':
    case 'text':
    case 'email':
      return 'z.string()';
    case 'int':
    case 'ref':
      return 'z.int32()';
    case 'decimal':
      return `z.string().meta({ description: 'decimal with two places, e.g. "12.50"' })`;
    case 'boolean':
      return 'z.boolean()';
    case 'date':
      return 'z.iso.date()';
    case 'datetime':
      return 'z.iso.datetime()';
    case 'uuid':
      return 'z.uuid()';
    case 'enum':
      return `z.enum([${field.values!.map(literal).join(', ')}])`;
  }
}

function presentOf(field: Field): string {
  const value = `row.${field.prop}`;
  if (field.type === 'datetime') return field.optional ? `${value}?.toISOString() ?? null` : `${value}.toISOString()`;
  return field.optional ? `${value} ?? null` : value;
}

function sampleOf(field: Field): string {
  const length = field.maxLength ?? DEFAULT_LENGTH[field.type] ?? 255;
  switch (field.type) {
    case 'string':
    case 'text':
      // distinct per i, within maxLength (at least one character)
      return length >= 8 ? `\`${field.name.slice(0, length - 2).replace(/_/g, ' ')} \${i}\`` : `String(i)`;
    case 'email':
      return '`user${i}@example.com`';
    case 'int': {
      // ten values from the low end of the range, or as many as it holds
      const high = field.max ?? INT_LIMIT;
      const low = field.min ?? Math.min(0, high - 9);
      return high - low < 9 ? `${low} + (i % ${high - low + 1})` : `${low} + i`;
    }
    case 'decimal': {
      const low = field.min ?? (field.max !== undefined ? Math.min(0, field.max - 9) : 0);
      const span = field.max !== undefined ? Math.max(1, Math.floor(field.max - low)) : 10;
      return `(${low} + (i % ${span})).toFixed(2)`;
    }
    case 'boolean':
      return 'i % 2 === 0';
    case 'date':
      return '`2026-01-${String(i + 10)}`';
    case 'datetime':
      return '`2026-01-${String(i + 10)}T12:30:00.000Z`';
    case 'uuid':
      return '`00000000-0000-4000-8000-0000000000${String(i + 10)}`';
    case 'enum':
      return `[${field.values!.map(literal).join(', ')}][i % ${field.values!.length}]`;
    case 'ref':
      return `refs.${field.prop}`;
  }
}

function invalidOf(field: Field): string[] {
  const length = field.maxLength ?? DEFAULT_LENGTH[field.type] ?? 255;
  switch (field.type) {
    case 'string':
    case 'text':
      return [`'x'.repeat(${length + 1})`, "'   '", '42'];
    case 'email':
      return ["'not-an-email'", '42'];
    case 'int':
      return [
        "'seven'",
        '1.5',
        ...(field.min === undefined ? [] : [String(field.min - 1)]),
        ...(field.max === undefined ? [] : [String(field.max + 1)]),
      ];
    case 'decimal':
      return [
        "'cheap'",
        "'1.234'",
        ...(field.min === undefined ? [] : [`'${(field.min - 1).toFixed(2)}'`]),
        ...(field.max === undefined ? [] : [`'${(field.max + 1).toFixed(2)}'`]),
      ];
    case 'boolean':
      return ["'maybe'"];
    case 'date':
      return ["'2026-13-45'", "'yesterday'"];
    case 'datetime':
      return ["'yesterday'", "'2026-01-10 12:30'"];
    case 'uuid':
      return ["'not-a-uuid'"];
    case 'enum':
      return [literal(`not-${field.values![0]}`)];
    case 'ref':
      return ["'one'", '0'];
  }
}
