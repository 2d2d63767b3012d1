import { z } from 'zod';

/**
 * One field of a version, declared once: what a client reads and, unless it is read-only, what a client may write.
 * The partial update, the mapping onto the table's properties and how a row presents it all follow from it.
 */
export interface FieldDef<Row> {
  /** what a client receives */
  read: z.ZodType;
  /** what a client may send to create one (`.optional()` when it may be left out; a `.default()` applies to creates only); none: read-only */
  write?: z.ZodType;
  /** the row's property the field reads and writes, when it is not the field's name in camelCase (a renamed field) */
  source?: string;
  /** what the client reads, when it is not the property as stored (a Date is sent as its ISO string, a missing value as null) */
  present?: (row: Row) => unknown;
}

/** `unit_price` -> `unitPrice`: the property a field's column has in the table's rows. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type SourceOf<K, F> = F extends { source: infer S extends string } ? S : Camel<K & string>;
type ReadOf<F> = F extends { read: infer R extends z.ZodType } ? R : never;
type WriteOf<F> = F extends { write: infer W extends z.ZodType } ? W : never;
type WriteKeys<Fields> = { [K in keyof Fields]: Fields[K] extends { write: z.ZodType } ? K : never }[keyof Fields];

/** What a stored value is sent as: a Date as its ISO string, undefined as null. */
type Presented<V> = V extends Date ? string : V extends undefined ? null : V;

/** The write schema's output: each writable field under its property. */
export type Columns<Fields> = { [K in WriteKeys<Fields> as SourceOf<K, Fields[K]>]: z.output<WriteOf<Fields[K]>> };
type WriteInput<Fields> = { [K in WriteKeys<Fields>]: z.input<WriteOf<Fields[K]>> };
type ReadShape<Fields> = { [K in keyof Fields]: ReadOf<Fields[K]> };

/** The read side: a field whose row property is missing, or whose stored value its read schema does not take, needs a `present`, which must return what the read schema takes. */
type Reading<Row, K, F> = F extends { present: (row: Row) => unknown }
  ? { present: (row: Row) => z.input<ReadOf<F>> }
  : SourceOf<K, F> extends keyof Row
    ? Presented<Row[SourceOf<K, F>]> extends z.input<ReadOf<F>>
      ? unknown
      : { present: (row: Row) => z.input<ReadOf<F>> }
    : { present: (row: Row) => z.input<ReadOf<F>> };

/** The write side: a writable field writes a property the row has (a `present` does not change which), with a value it takes. */
type Writing<Row, K, F> = F extends { write: z.ZodType }
  ? SourceOf<K, F> extends keyof Row
    ? Exclude<z.output<WriteOf<F>>, undefined> extends Row[SourceOf<K, F>]
      ? unknown
      : { write: z.ZodType<Row[SourceOf<K, F>] | undefined> }
    : { source: keyof Row & string }
  : unknown;

/** No key a field does not have: a misspelt `wirte` would otherwise make the field read-only without a word. */
type Known<Row, F> = { [P in Exclude<keyof F, keyof FieldDef<Row>>]: never };

/** What each field must be; a type error names the field and the part of it that is wrong. */
type Checked<Row, Fields> = {
  [K in keyof Fields]: FieldDef<Row> & Reading<Row, K, Fields[K]> & Writing<Row, K, Fields[K]> & Known<Row, Fields[K]>;
};

/** One version's serializers, from its fields: the read schema, the write and partial update schemas, and the presenter. */
export interface VersionFields<Row, Fields> {
  read: z.ZodObject<{ [K in keyof ReadShape<Fields>]: ReadShape<Fields>[K] }>;
  /** create: the body checked, then handed on as the table's properties */
  write: z.ZodType<Columns<Fields>, WriteInput<Fields>>;
  /** partial update: any of the write fields */
  patch: z.ZodType<Partial<Columns<Fields>>, Partial<WriteInput<Fields>>>;
  present: (row: Row) => z.input<VersionFields<Row, Fields>['read']>;
}

/** How a decimal is read: its exact text (a JSON number would lose digits past 15 or so). */
export const decimalText = z.string().meta({ description: 'decimal with two places, e.g. "12.50"' });

/** How an instant is written: an ISO date-time with its offset, stored as that instant (a Date). */
export const instant = () => z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** The runtime twin of `Camel`: each part after an underscore capitalised (`unit_price` -> `unitPrice`). */
const camel = (name: string) =>
  name
    .split('_')
    .map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');

/** A partial update leaves out what the client left out: a `.default()` of the create schema must not fill it in. */
function optionalInUpdate(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional) return optionalInUpdate(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) return (schema.unwrap() as z.ZodType).optional();
  return schema.optional();
}

/**
 * A version's fields, one line each (`stock: { read: z.int32(), write: z.int32().min(0) }`), in the order a client
 * reads them. The row type comes first (`defineFields<ProductRow>()({ ... })`), so the fields are checked against it:
 * a field with no property of that name, or one whose value its read schema does not take, needs its own `present`.
 */
export function defineFields<Row>() {
  return <const Fields extends Checked<Row, Fields>>(fields: Fields): VersionFields<Row, Fields> => {
    const all = Object.entries(fields as Record<string, FieldDef<Row>>);
    const writable = all.filter(([, field]) => field.write !== undefined);
    // every writable field is handed on, undefined when the client left it out (the repository leaves those alone)
    const mapping = writable.map(([name, field]) => [name, field.source ?? camel(name)] as const);
    // two fields writing one property: the later one's undefined would overwrite the other's value
    for (const [name, property] of mapping) {
      const first = mapping.find(([, other]) => other === property)![0];
      if (first !== name)
        throw new Error(`defineFields: the fields ${first} and ${name} both write the property ${property}; give one another source.`);
    }
    const toColumns = (input: Record<string, unknown>) => {
      const columns: Record<string, unknown> = {};
      for (const [name, property] of mapping) columns[property] = input[name];
      return columns;
    };
    const readers = all.map(([name, field]): readonly [string, (row: Row) => unknown] => {
      if (field.present) return [name, field.present];
      const property = (field.source ?? camel(name)) as keyof Row;
      return [name, (row) => presented(row[property])];
    });
    return {
      read: z.object(Object.fromEntries(all.map(([name, field]) => [name, field.read]))),
      write: z.object(Object.fromEntries(writable.map(([name, field]) => [name, field.write!]))).transform(toColumns),
      patch: z.object(Object.fromEntries(writable.map(([name, field]) => [name, optionalInUpdate(field.write!)]))).transform(toColumns),
      present: (row: Row) => {
        const out: Record<string, unknown> = {};
        for (const [name, read] of readers) out[name] = read(row);
        return out;
      },
    } as unknown as VersionFields<Row, Fields>;
  };
}

function presented(value: unknown): unknown {
  if (value instanceof Date) return isoString(value);
  return value ?? null;
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()`, written out in less than half its time: V8's own is slow enough to show in a list's cost,
 * which calls it for every date of every row. Years before 0 or after 9999 (six digits and a sign) and invalid
 * dates go to toISOString itself; test/fields.test.ts holds the two to the same text.
 */
export function isoString(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${String(year).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.${String(ms).padStart(3, '0')}Z`;
}
