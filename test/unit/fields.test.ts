import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { fieldCode } from '../../src/resource/field-code.js';
import { FIELD_TYPES, fieldSpecHelp, parseFields, RULES_OF } from '../../src/resource/fields.js';
import { resourceNames } from '../../src/resource/names.js';

describe('parseFields', () => {
  it('reads types, optional marks and rules', () => {
    expect(
      parseFields(
        'name:string:unique, slug:string:maxLength=80 ,description:text?,rating:int:min=1:max=5,kind:enum(a|b):default=b,product_id:ref(products)',
      ),
    ).toEqual([
      { name: 'name', prop: 'name', type: 'string', optional: false, unique: true },
      { name: 'slug', prop: 'slug', type: 'string', optional: false, unique: false, maxLength: 80 },
      { name: 'description', prop: 'description', type: 'text', optional: true, unique: false },
      { name: 'rating', prop: 'rating', type: 'int', optional: false, unique: false, min: 1, max: 5 },
      { name: 'kind', prop: 'kind', type: 'enum', optional: false, unique: false, values: ['a', 'b'], default: 'b' },
      { name: 'product_id', prop: 'productId', type: 'ref', optional: false, unique: false, ref: 'products' },
    ]);
  });

  it("reads list rules: filter with its lookups (| or , between them), or the type's usual ones; search; order", () => {
    const fields = parseFields(
      'price:decimal:min=0:filter=gte,lte:order,name:string:filter:search:order,due:date?:filter=isnull|exact,exact:int:filter=in',
    );
    expect(fields.map(({ name, filter, search, order }) => ({ name, filter, search, order }))).toEqual([
      { name: 'price', filter: ['gte', 'lte'], search: undefined, order: true },
      { name: 'name', filter: ['exact', 'icontains', 'istartswith'], search: true, order: true },
      { name: 'due', filter: ['isnull', 'exact'], search: undefined, order: undefined },
      // a field may be called like a lookup: a type after it makes it a field
      { name: 'exact', filter: ['in'], search: undefined, order: undefined },
    ]);
  });

  it('defaults become the values they stand for', () => {
    const [count, price, active, day] = parseFields(
      'count:int:default=3,price:decimal:default=2.5,active:boolean:default=false,day:date:default=2026-01-31',
    );
    expect([count!.default, price!.default, active!.default, day!.default]).toEqual([3, '2.50', false, '2026-01-31']);
  });

  it.each([
    ['', '--fields is empty'],
    ['Name:string', 'must be snake_case'],
    ['name', 'has no type'],
    ['name:float', 'unknown type "float"'],
    ['name:string:min=1', 'rule "min" does not fit type string; string takes maxLength, unique, default'],
    ['seen:datetime:default=now', 'rule "default" does not fit type datetime; datetime takes filter, order'],
    ['name:string:size=3', 'unknown rule "size"'],
    ['name:string:unique=yes', 'unique takes no value'],
    ['name:string:maxLength', 'needs a value'],
    ['name:string:maxLength=20000', 'use type text for longer values'],
    ['name:string:unique:maxLength=1000', 'maxLength=768 or less'],
    ['name:string?:unique', 'cannot be optional'],
    ['n:int:min=5:max=1', 'min (5) is greater than max (1)'],
    ['n:int:min=1.5', 'is not a whole number'],
    ['n:int:unique:min=1:max=5', 'room for at least ten values'],
    ['n:int:max=3:default=4', 'within min and max'],
    ['b:boolean:default=yes', 'true or false'],
    ['k:enum(a|b):default=c', 'one of a, b'],
    ['k:enum(a|a)', 'enum values repeat'],
    [
      'name:string,mood:enum(happy, sad,meh)',
      'enum values are separated by "|", not "," (which separates fields): write enum(happy|sad|meh)',
    ],
    ['e:email:maxLength=10', 'from 20 to'],
    ['a:string,a:int', 'given twice'],
    ['created_at:datetime', 'reserved'],
    ['a:string:maxLength=4000,b:string:maxLength=4000,c:string:maxLength=4000,d:string:maxLength=1', 'more than one MySQL row holds'],
    ['t:text:maxLength=20000', 'from 1 to 16000'],
    ['p:ref(products):unique', 'rule "unique" does not fit type ref; ref takes filter, order'],
    ['notes:text:order', 'rule "order" does not fit type text; text takes maxLength, filter, search'],
    ['price:decimal:search', 'rule "search" does not fit type decimal'],
    ['price:decimal:filter=icontains', 'lookup "icontains" does not fit type decimal; it takes exact, gt, gte, lt, lte, in'],
    ['price:decimal:filter=gte|gte', 'a lookup is given twice'],
    ['price:decimal:filter=near', 'unknown lookup "near"'],
    ['due:date:filter=isnull', 'isnull needs an optional field'],
    ['name:string:order=yes', 'order takes no value'],
    [`${'a'.repeat(64)}:string`, 'the name is 64 characters, over the 63 a PostgreSQL column keeps'],
    [`${'long_'.repeat(13)}one:int?,${'long_'.repeat(13)}two:int?`, 'the name is 68 characters'],
  ])('refuses %j', (spec, message) => {
    expect(() => parseFields(spec)).toThrow(message);
  });
});

// Every name an object has already, as given and in snake_case: each is refused with its fix, or taken as a name of
// its own. (A field `value_of` compiled, and then every update leaving it out was a 500: drizzle read the inherited
// `valueOf` as its value.)
describe('names every JavaScript object has', () => {
  const keys = Object.getOwnPropertyNames(Object.prototype);
  const snake = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const attempt = (run: () => unknown): unknown => {
    try {
      return run();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return error;
    }
  };

  it.each(keys.flatMap((key) => [...new Set([key, snake(key)])]))('field %s: refused with the fix, or a field of that name', (name) => {
    const outcome = attempt(() => parseFields(`${name}:string`));
    if (outcome instanceof UsageError) expect(outcome.message).toMatch(/e\.g\. \w+/);
    else expect((outcome as { name: string }[])[0]!.name).toBe(name);
  });

  it('a name whose property every object has is refused, whatever its case: constructor, to_string, value_of', () => {
    expect(() => parseFields('constructor:string')).toThrow('name it e.g. constructor_name');
    expect(() => parseFields('to_string:string')).toThrow(
      '"to_string" (the property toString) is a name every JavaScript object has already',
    );
    expect(() => parseFields('value_of:int')).toThrow('name it e.g. value_of_value');
    // the rest of the word is no collision
    expect(parseFields('to_string_value:string,constructor_name:string').map((field) => field.prop)).toEqual([
      'toStringValue',
      'constructorName',
    ]);
  });

  it.each(keys)('resource %s: refused with the fix, or names of its own', (key) => {
    const outcome = attempt(() => resourceNames(key));
    if (outcome instanceof UsageError) expect(outcome.message).toMatch(/e\.g\./);
    else expect(outcome).toMatchObject({ kebab: expect.stringMatching(/^[a-z][a-z0-9-]*$/) });
  });
});

describe('fieldCode', () => {
  it('maps a field to its column, write and read schema, and test values', () => {
    const [rating] = parseFields('rating:int:min=1:max=5');
    expect(fieldCode(rating!)).toMatchObject({
      column: "int('rating').notNull()",
      write: 'z.int32().min(1).max(5)',
      patch: 'z.int32().min(1).max(5).optional()',
      read: 'z.int32()',
      present: 'row.rating',
      sample: '1 + (i % 5)',
      invalid: ["'seven'", '1.5', '0', '6'],
      required: true,
    });
  });

  it('an optional field is nullable in and out; a defaulted one may be left out', () => {
    const [notes, kind] = parseFields('notes:text?,kind:enum(a|b):default=a');
    expect(fieldCode(notes!)).toMatchObject({
      column: "longText('notes')",
      write: 'z.string().trim().min(1).max(10000).nullable().optional()',
      read: 'z.string().nullable()',
      present: 'row.notes ?? null',
      required: false,
    });
    expect(fieldCode(kind!)).toMatchObject({
      column: "varchar('kind', 1).$type<'a' | 'b'>().notNull().default('a')",
      write: "z.enum(['a', 'b']).optional()",
      required: false,
    });
  });

  it('a ref is a foreign key to the named table', () => {
    const [product] = parseFields('product_id:ref(products)');
    expect(fieldCode(product!, 'products')).toMatchObject({
      column: "foreignId('product_id').notNull().references(() => products.id, { onDelete: 'restrict' })",
      write: 'z.int().positive()',
      sample: 'refs.productId',
    });
  });
});

describe('fieldSpecHelp', () => {
  it('lists every type with the rules it takes, and its example parses', () => {
    const help = fieldSpecHelp();
    for (const type of FIELD_TYPES) expect(help).toMatch(new RegExp(`^  ${type}\\b.* {2}${RULES_OF[type].join(', ')}$`, 'm'));
    const example = /--fields "([^"]+)"/.exec(help)![1]!;
    expect(parseFields(example).map((field) => field.name)).toEqual(['name', 'price', 'notes', 'mood']);
  });
});
