// Everything the resource templates read, computed once here: templates only
// place these strings (names and code are never computed in a template).
import type { AccessKind, ResourceRecord } from '../project/manifest.js';
import { fieldCode, type FieldCode } from './field-code.js';
import { parseFields, type Field } from './fields.js';
import type { ResourceNames } from './names.js';

/** A resource a ref field points at, as the new files import it. */
export interface RefTarget {
  /** the table's constant: `products`, `users` */
  readonly table: string;
  /** its name in SQL: `order_items` */
  readonly sqlTable: string;
  /** from src/resources/<new>/: `../products/table.js`, `../../auth/tables.js` */
  readonly fromResource: string;
  /** how its tests make a row: a resource's POST (its path and fields), or a user */
  readonly seed: { kind: 'resource'; path: string; record: ResourceRecord; names: ResourceNames } | { kind: 'user' };
}

export interface ResourceSpec {
  readonly names: ResourceNames;
  readonly fields: readonly Field[];
  readonly version: string;
  readonly access: AccessKind;
  readonly pagination: 'cursor' | 'offset';
  readonly auth: boolean;
  /** by field name */
  readonly refs: ReadonlyMap<string, RefTarget>;
  /** resolves a ref of a seeded resource in turn (the tests create the whole chain) */
  readonly resolveRef: (field: Field) => RefTarget;
}

type RouteAccess = 'public' | 'user' | 'staff';

/** Each --access choice as the route-level rules of the generated code (core/routes.ts `Access`). */
const ACCESS: Record<AccessKind, { read: RouteAccess; write: RouteAccess; summary: string }> = {
  'public-read': { read: 'public', write: 'user', summary: 'reads are public, writes need a user.' },
  'staff-write': { read: 'public', write: 'staff', summary: 'reads are public, writes need a staff user.' },
  authenticated: { read: 'user', write: 'user', summary: 'reads and writes need a user.' },
  owner: { read: 'user', write: 'user', summary: 'each user reads and changes only their own rows.' },
  staff: { read: 'staff', write: 'staff', summary: 'only staff users read and write.' },
  public: { read: 'public', write: 'public', summary: 'anyone may read and write.' },
};

export const routeFactoryName = (names: ResourceNames, version: string) => `${names.pluralCamel}${version.toUpperCase()}`;

export function resourceView(spec: ResourceSpec) {
  const { names, version, access } = spec;
  const owner = access === 'owner';
  const cursor = spec.pagination === 'cursor';
  const fields: FieldCode[] = spec.fields.map((field) => fieldCode(field, spec.refs.get(field.name)?.table));
  const refs = spec.fields
    .filter((field) => field.type === 'ref')
    .map((field) => ({ name: field.name, prop: field.prop, ...spec.refs.get(field.name)! }));

  const helpers = new Set(['id', 'index', 'int', 'table', 'timestamp', ...fields.flatMap((field) => field.columnHelpers)]);
  if (owner) helpers.add('foreignId');
  // one index (with the id) per ordering field, so a deep page under it costs what the first does
  const ordered = spec.fields.filter((field) => field.order);
  if (ordered.some((field) => field.type === 'decimal')) helpers.add('decimalOrder');
  const tableImports = [
    ...(owner ? [{ names: 'users', from: '../../auth/tables.js' }] : []),
    { names: [...helpers].sort().join(', '), from: '../../db/columns.js' },
    ...uniqueBy(refs, (ref) => ref.fromResource)
      .filter((ref) => !(owner && ref.table === 'users'))
      .map((ref) => ({ names: ref.table, from: ref.fromResource })),
  ];

  const drizzle = new Set(['and', 'eq']);
  // sql for the placeholders of the detail's statement (and the cursor list's); count for the offset list's total
  drizzle.add('sql');
  if (!cursor) drizzle.add('count');

  return {
    name: names.kebab,
    n: names,
    version,
    routeFactory: routeFactoryName(names, version),
    access: {
      ...ACCESS[access],
      isPublicRead: access === 'public-read',
      isStaffWrite: access === 'staff-write',
      isAuthenticated: access === 'authenticated',
      isStaff: access === 'staff',
      isOwner: owner,
      isPublic: access === 'public',
    },
    owner,
    cursor,
    auth: spec.auth,
    fields,
    refs: uniqueBy(refs, (ref) => ref.name),
    // one import per referenced table, however many fields point at it
    refImports: uniqueBy(refs, (ref) => ref.fromResource),
    table: {
      imports: tableImports,
      indexes: [
        { name: `${names.table}_${owner ? 'user_' : ''}created_at_id_idx`, key: 't.createdAt' },
        ...ordered.map((field) => ({
          name: orderIndexName(names, field, owner),
          key: field.type === 'decimal' ? `decimalOrder(t.${field.prop})` : `t.${field.prop}`,
        })),
      ].map((index) => ({ ...index, on: `${owner ? 't.userId, ' : ''}${index.key}, t.id` })),
    },
    list: listView(spec),
    repository: {
      drizzleImports: [...drizzle].sort().join(', '),
      byId: owner ? `and(eq(${names.pluralCamel}.id, id), eq(${names.pluralCamel}.userId, userId))` : `eq(${names.pluralCamel}.id, id)`,
      // the detail's condition with placeholders, for the statement built once
      byIdPlaceholders: owner
        ? `and(eq(${names.pluralCamel}.id, sql.placeholder('id')), eq(${names.pluralCamel}.userId, sql.placeholder('userId')))`
        : `eq(${names.pluralCamel}.id, sql.placeholder('id'))`,
    },
    schemas: {
      usesDecimal: spec.fields.some((field) => field.type === 'decimal'),
      // what schemas.ts imports from core/fields.ts: defineFields and what the fields' lines take
      fieldHelpers: [...new Set(['defineFields', ...fields.flatMap((field) => field.entryHelpers)])].sort().join(', '),
    },
    test: testView(spec, fields),
  };
}

/** `widgets_price_id_idx`: the index that serves ordering by one column (within a user's rows for owner resources). */
export function orderIndexName(names: ResourceNames, field: Pick<Field, 'prop'>, owner: boolean): string {
  // named by the column (a field renamed in one version orders by the same column, and the same index)
  const column = field.prop.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  return `${names.table}_${owner ? 'user_' : ''}${column}_id_idx`;
}

const LIST_TYPE: Record<Field['type'], string> = {
  string: 'string',
  email: 'string',
  text: 'string',
  int: 'integer',
  ref: 'integer',
  decimal: 'decimal',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  uuid: 'uuid',
  enum: 'enum',
};

/** The version's list declaration (`defineList`): one line per field it filters, searches or orders by. */
export function listView(spec: Pick<ResourceSpec, 'names' | 'fields' | 'access'>) {
  const tokenArg = ACCESS[spec.access].read === 'public' ? '' : ', { token }';
  const table = spec.names.pluralCamel;
  const listed = spec.fields.filter((field) => field.filter?.length || field.search || field.order);
  const orderings = [...spec.fields.filter((field) => field.order).map((field) => field.name), 'created_at'].flatMap((name) => [
    `'${name}'`,
    `'-${name}'`,
  ]);
  const optional = spec.fields.filter((field) => field.optional).map((field) => `${field.name}: null`);
  return {
    orderings: orderings.join(', '),
    // a row with every optional field empty: the orderings place its nulls (last ascending, first descending)
    nullRow: optional.length > 0 ? `{ ...payload(6), ${optional.join(', ')} }` : undefined,
    filterChecks: listed.flatMap((field) => (field.filter ?? []).flatMap((lookup) => filterCheck(field, lookup, tokenArg))),
    fields: [
      ...listed.map((field) => ({ name: field.name, declaration: listFieldCode(table, field) })),
      { name: 'created_at', declaration: `{ column: ${table}.createdAt, type: 'datetime', order: true }` },
    ],
  };
}

/** The generated test's lines for one lookup: a row is found by its own value; a bad value is a 400. */
function filterCheck(field: Field, lookup: NonNullable<Field['filter']>[number], tokenArg: string): string[] {
  const param = lookup === 'exact' ? field.name : `${field.name}__${lookup}`;
  const value = `String(made.${field.name})`;
  const query = (text: string) => `\`${param}=\${encodeURIComponent(${text})}\``;
  const lines: string[] = [];
  switch (lookup) {
    case 'exact':
    case 'in':
    case 'gte':
    case 'lte':
      lines.push(`expect(await ids(${query(value)})).toContain(made.id);`);
      break;
    case 'gt':
    case 'lt':
      lines.push(`expect(await ids(${query(value)})).not.toContain(made.id);`);
      break;
    case 'isnull':
      lines.push(`expect(await ids('${param}=false')).toContain(made.id);`);
      break;
    case 'icontains':
      lines.push(`expect(await ids(${query(`${value}.slice(1, 4).toUpperCase()`)})).toContain(made.id);`);
      break;
    case 'istartswith':
      lines.push(`expect(await ids(${query(`${value}.slice(0, 3).toUpperCase()`)})).toContain(made.id);`);
      break;
  }
  // a value the type does not take: for an enum, one that is none of its values
  const wrong = ['x', 'xx', 'x0', 'xyz'].find((candidate) => !field.values?.includes(candidate))!;
  const bad = BAD_VALUE[field.type]?.replace('{value}', wrong);
  if (bad && lookup !== 'isnull') {
    lines.push(
      `expect((await envelope(await app.request(\`\${path}?${param}=${wrong}\`${tokenArg}))).errors).toEqual({ ${param}: ['${bad}'] });`,
    );
  }
  return lines;
}

const BAD_VALUE: Partial<Record<Field['type'], string>> = {
  int: 'Enter a whole number.',
  ref: 'Enter a whole number.',
  decimal: 'Enter a number.',
  datetime: 'Enter a valid date/time.',
  date: 'Enter a valid date.',
  uuid: 'Enter a valid UUID.',
  boolean: 'Select a valid choice. {value} is not one of the available choices.',
  enum: 'Select a valid choice. {value} is not one of the available choices.',
};

export function listFieldCode(table: string, field: Field): string {
  const parts = [`column: ${table}.${field.prop}`, `type: '${LIST_TYPE[field.type]}'`];
  if (field.type === 'enum') parts.push(`values: [${field.values!.map((value) => `'${value}'`).join(', ')}]`);
  if (field.filter?.length) parts.push(`filter: [${field.filter.map((lookup) => `'${lookup}'`).join(', ')}]`);
  if (field.search) parts.push('search: true');
  if (field.order) parts.push('order: true');
  return `{ ${parts.join(', ')} }`;
}

function testView(spec: ResourceSpec, fields: FieldCode[]) {
  const seeds: string[] = [];
  const seedPayloads: { fn: string; path: string; fields: FieldCode[] }[] = [];
  const made = new Map<string, string>();

  /** The statements that create a referenced row (and what it refers to, first); returns the expression of its id. */
  function seed(target: RefTarget): string {
    if (target.seed.kind === 'user') {
      if (!made.has('users')) {
        seeds.push("refs.userId = (await createUser(app, 'referenced-user')).id;");
        made.set('users', 'refs.userId');
      }
      return made.get('users')!;
    }
    const { names, record, path } = target.seed;
    const known = made.get(names.pluralKebab);
    if (known) return known;
    const targetFields = parseFields(record.fields);
    const nested = new Map<string, string>();
    for (const field of targetFields.filter((field) => field.type === 'ref')) nested.set(field.prop, seed(spec.resolveRef(field)));
    const fn = `${names.camel}Payload`;
    seedPayloads.push({
      fn,
      path,
      fields: targetFields.map((field) => {
        const code = fieldCode(field);
        // a value the resource's own rules need beyond its field rules (stock enough for an order)
        const fixed = record.seed?.[field.name];
        if (fixed !== undefined) return { ...code, sample: JSON.stringify(fixed) };
        return field.type === 'ref' ? { ...code, sample: nested.get(field.prop)! } : code;
      }),
    });
    const variable = `refs.${names.camel}Id`;
    seeds.push(`${variable} = await seed('${path}', ${fn}(1));`);
    made.set(names.pluralKebab, variable);
    return variable;
  }

  const refValues = new Map<string, string>();
  for (const field of spec.fields.filter((field) => field.type === 'ref')) refValues.set(field.prop, seed(spec.refs.get(field.name)!));
  const refSlots = [...new Set([...made.values()].map((variable) => variable.slice('refs.'.length)))];
  // a unique ref would need a referenced row per test row: its index is tested by the database, not here
  const uniques = spec.fields.filter((field) => field.unique && field.type !== 'ref').map((field) => field.name);
  const first = spec.fields.find((field) => field.type !== 'ref') ?? spec.fields[0]!;
  return {
    refsInit: refSlots.map((slot) => `${slot}: 0`).join(', '),
    seeds,
    seedPayloads,
    // the payload's ref samples name the slot their row went into
    samples: fields.map((field) => (refValues.has(field.prop) ? { ...field, sample: refValues.get(field.prop)! } : field)),
    readKeys: JSON.stringify(['id', 'created_at', 'updated_at', ...spec.fields.map((field) => field.name)].sort())
      .replace(/"/g, "'")
      .replace(/,/g, ', '),
    required: fields.filter((field) => field.required).map((field) => field.name),
    invalid: fields.flatMap((field) => field.invalid.map((value) => ({ field: field.name, value }))),
    unique: uniques,
    uniqueList: uniques.join(', '),
    uniqueQuoted: uniques.map((name) => `'${name}'`).join(', '),
    patchField: first.name,
    readNeedsToken: ACCESS[spec.access].read !== 'public',
    // writes need a staff user: the test's own user is one, and a second, ordinary user meets the 403
    writerIsStaff: ACCESS[spec.access].write === 'staff',
    // a second user: to be refused another's rows (owner) or meet the 403 (staff)
    otherUser: spec.access === 'owner' || ACCESS[spec.access].write === 'staff',
  };
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}
