import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decimalText, defineFields, instant, isoString } from '../src/core/fields.js';
import { decimal } from '../src/core/validation.js';

// a row as a table gives it: camelCase properties, Dates, nulls
interface ItemRow {
  id: number;
  name: string;
  unitPrice: string;
  dueAt: Date | null;
  note: string | null;
  createdAt: Date;
}

const item = defineFields<ItemRow>()({
  id: { read: z.int32() },
  title: { read: z.string(), write: z.string().trim().min(1), source: 'name' },
  unit_price: { read: decimalText, write: decimal({ places: 2, maxDigits: 10 }) },
  due_at: { read: z.iso.datetime().nullable(), write: instant().nullable().optional() },
  note: { read: z.string().nullable(), write: z.string().nullable().optional() },
  label: { read: z.string(), present: (row) => `#${row.id} ${row.name}` },
  created_at: { read: z.iso.datetime() },
});

const row: ItemRow = {
  id: 7,
  name: 'Lamp',
  unitPrice: '12.50',
  dueAt: new Date('2026-01-10T12:30:00.000Z'),
  note: null,
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
};

describe('defineFields: one line a field', () => {
  it('the write schema checks the body and hands on the table properties (camelCase, or the source)', () => {
    expect(item.write.parse({ title: ' Lamp ', unit_price: '12.50', due_at: '2026-01-10T13:30:00+01:00', id: 9, label: 'x' })).toEqual({
      name: 'Lamp',
      unitPrice: '12.50',
      dueAt: new Date('2026-01-10T12:30:00.000Z'),
      note: undefined,
    });
    // read-only fields are never taken from a client; required ones are required
    expect(item.write.safeParse({ unit_price: '1.00' }).success).toBe(false);
  });

  it('the partial update takes any of the write fields, checked the same way', () => {
    expect(item.patch.parse({ note: 'fragile' })).toEqual({ name: undefined, unitPrice: undefined, dueAt: undefined, note: 'fragile' });
    expect(item.patch.safeParse({ unit_price: '1.234' }).success).toBe(false);
    expect(item.patch.parse({})).toEqual({ name: undefined, unitPrice: undefined, dueAt: undefined, note: undefined });
  });

  it('a row is presented in the fields order: Dates as ISO strings, a field of its own by its present()', () => {
    const presented = item.present(row);
    expect(presented).toEqual({
      id: 7,
      title: 'Lamp',
      unit_price: '12.50',
      due_at: '2026-01-10T12:30:00.000Z',
      note: null,
      label: '#7 Lamp',
      created_at: '2026-01-01T00:00:00.000Z',
    });
    expect(Object.keys(presented)).toEqual(['id', 'title', 'unit_price', 'due_at', 'note', 'label', 'created_at']);
    expect(item.read.parse(presented)).toEqual(presented);
  });

  it('a Date is written exactly as toISOString() writes it, at every edge of the calendar', () => {
    const edges = ['0000-01-01T00:00:00.000Z', '0999-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2000-02-29T09:05:03.007Z'];
    const dates = [
      ...edges.map((text) => new Date(text)),
      new Date('9999-12-31T23:59:59.999Z'),
      new Date(-1),
      new Date(-1e15),
      new Date(1e15),
    ];
    // a day and a bit apart, across leap years and every month, millisecond digits included
    for (let time = Date.UTC(1899, 0, 1); time < Date.UTC(2101, 0, 1); time += 86_400_000 * 3 + 3_723_001) dates.push(new Date(time));
    for (const date of dates) expect(isoString(date)).toBe(date.toISOString());
    expect(() => isoString(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('a .default() of the create schema fills in a create, never a partial update', () => {
    const counted = defineFields<{ stock: number }>()({ stock: { read: z.int32(), write: z.int32().default(0) } });
    expect(counted.write.parse({})).toEqual({ stock: 0 });
    expect(counted.patch.parse({})).toEqual({ stock: undefined });
    expect(counted.patch.parse({ stock: 3 })).toEqual({ stock: 3 });
  });

  it('two fields writing one property stop the start, naming both', () => {
    expect(() =>
      defineFields<ItemRow>()({
        title: { read: z.string(), write: z.string(), source: 'name' },
        name: { read: z.string(), write: z.string().optional() },
      }),
    ).toThrow('defineFields: the fields title and name both write the property name; give one another source.');
  });

  it('a field the row cannot present as its read schema says is a type error until it has a present()', () => {
    defineFields<ItemRow>()({
      // @ts-expect-error the row has no property `colour`
      colour: { read: z.string() },
    });
    defineFields<ItemRow>()({
      // @ts-expect-error createdAt is a Date, presented as a string, which z.int32() does not take
      created_at: { read: z.int32() },
    });
    defineFields<ItemRow>()({
      // @ts-expect-error present() returns a number where the read schema takes a string
      label: { read: z.string(), present: (row) => row.id },
    });
  });

  it('a field that writes is a type error unless the row has its property and takes its value', () => {
    defineFields<ItemRow>()({
      // @ts-expect-error `units` is no property of the row, whatever its present() reads (a `source` was meant)
      units: { read: z.string(), write: z.string(), present: (row) => row.name },
    });
    defineFields<ItemRow>()({
      // @ts-expect-error the row's note is a string, not a number
      note: { read: z.string().nullable(), write: z.int32() },
    });
    defineFields<ItemRow>()({
      // @ts-expect-error a misspelt key would leave the field read-only without a word
      note: { read: z.string().nullable(), wirte: z.string() },
    });
  });
});
