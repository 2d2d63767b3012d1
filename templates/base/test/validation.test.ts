import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileSerializer } from '../src/core/serializer.js';
import { decimal, validate } from '../src/core/validation.js';
import { ValidationError } from '../src/core/errors.js';
import { envelope, expectError, startTestApp, type TestApp } from './support/app.js';
import { createProbeTable, probeRegistry } from './support/probe.js';

describe('validation over HTTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ registry: probeRegistry() });
  });
  afterAll(() => app.close());

  const post = (body: unknown) => app.request('/api/v1/probe', { method: 'POST', body });

  it('missing fields: This field is required.', async () => {
    const response = await post({});
    await expectError(response, 400, {
      name: ['This field is required.'],
      quantity: ['This field is required.'],
      price: ['This field is required.'],
    });
  });

  it('wrong types get the reference messages', async () => {
    const response = await post({ name: 5, quantity: 'many', price: 'cheap' });
    expect((await envelope(response)).errors).toEqual({
      name: ['Not a valid string.'],
      quantity: ['A valid integer is required.'],
      price: ['A valid number is required.'],
    });
  });

  it('a message written on the schema wins', async () => {
    const response = await post({ name: 'a', quantity: 0, price: 1 });
    expect((await envelope(response)).errors).toEqual({ quantity: ['Quantity must be at least 1.'] });
  });

  it('nested paths are dot-joined', async () => {
    const response = await post({ name: 'a', quantity: 1, price: 1, items: [{ quantity: 1 }, { quantity: 'x' }] });
    expect((await envelope(response)).errors).toEqual({ 'items.1.quantity': ['A valid integer is required.'] });
  });

  it('a body that is not an object goes under non_field_errors', async () => {
    const response = await post([1, 2]);
    expect((await envelope(response)).errors).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  it('a duplicate of a unique column is a 400 on that field, not a 500', async () => {
    await createProbeTable(app.database);
    expect((await app.request('/api/v1/probe/items', { method: 'POST', body: { name: 'only once' } })).status).toBe(204);
    const duplicate = await app.request('/api/v1/probe/items', { method: 'POST', body: { name: 'only once' } });
    await expectError(duplicate, 400, { name: ['This field must be unique.'] });
  });

  it('a NUL character in a string is a 400 on its field, in a nested one too; in an unknown field it is ignored', async () => {
    const response = await post({ name: 'a\u0000b', quantity: 1, price: 1, extra: '\u0000' });
    expect(response.status).toBe(400);
    expect((await envelope(response)).errors).toEqual({ name: ['Null characters are not allowed.'] });
    expect(() => validate(z.object({ tags: z.array(z.string()) }), { tags: ['ok', 'x\u0000'] })).toThrow(ValidationError);
    try {
      validate(z.object({ tags: z.array(z.string()) }), { tags: ['ok', 'x\u0000'] });
    } catch (error) {
      expect((error as ValidationError).errors).toEqual({ 'tags.1': ['Null characters are not allowed.'] });
    }
  });

  it('unknown fields are ignored: not stored, not echoed', async () => {
    const response = await post({ name: 'a', quantity: 2, price: 1.5, is_admin: true });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ name: 'a', quantity: 2, price: 1.5 });
  });
});

describe('decimal fields', () => {
  const price = z.object({ price: decimal({ places: 2, maxDigits: 10, min: 0 }) });

  it.each([
    ['12.5', '12.50'],
    [12.5, '12.50'],
    ['0', '0.00'],
    ['007.10', '7.10'],
    [99999999.99, '99999999.99'],
  ])('%s is read as %s', (input, expected) => {
    expect(validate(price, { price: input }).price).toBe(expected);
  });

  it('a missing decimal is required, not invalid', () => {
    expect(() => validate(price, {})).toThrow(ValidationError);
    try {
      validate(price, {});
    } catch (error) {
      expect((error as ValidationError).errors).toEqual({ price: ['This field is required.'] });
    }
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('a field named %s reports its errors like any other', (name) => {
    const schema = z.object({ [name]: z.number().int(), other: z.string() });
    try {
      validate(schema, JSON.parse(`{"${name}": "x", "other": 1}`));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect(JSON.parse(JSON.stringify((error as ValidationError).errors))).toEqual(
        JSON.parse(`{"${name}": ["A valid number is required."], "other": ["Not a valid string."]}`),
      );
    }
  });

  it.each([
    ['abc', 'A valid number is required.'],
    [true, 'A valid number is required.'],
    ['1.234', 'Ensure that there are no more than 2 decimal places.'],
    ['123456789', 'Ensure that there are no more than 8 digits before the decimal point.'],
    ['-1', 'Ensure this value is greater than or equal to 0.'],
  ])('%s is refused: %s', (input, message) => {
    try {
      validate(price, { price: input });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual({ price: [message] });
    }
  });
});

describe('read schemas shape responses', () => {
  const read = z.object({
    id: z.number(),
    price: z.object({ amount: z.string() }),
    tags: z.array(z.object({ name: z.string() })),
    note: z.string().nullable(),
  });
  const row = {
    id: 1,
    password_hash: 'secret',
    price: { amount: '1.00', cost: '0.10' },
    tags: [{ name: 'a', internal: true }],
    note: null,
  };
  const expected = { id: 1, price: { amount: '1.00' }, tags: [{ name: 'a' }], note: null };

  it.each([true, false])('only declared fields reach the client (validate: %s)', (validate) => {
    expect(compileSerializer(read, { validate })(row)).toEqual(expected);
  });

  it.each([true, false])('a union or a transform is never passed through unshaped (validate: %s)', (validate) => {
    const shaped = z.object({ owner: z.union([z.object({ name: z.string() }), z.null()]), n: z.number().transform(String) });
    expect(compileSerializer(shaped, { validate })({ owner: { name: 'a', secret: 's' }, n: 1 })).toEqual({ owner: { name: 'a' }, n: '1' });
  });

  it('validating mode refuses a value that does not fit the read schema', () => {
    expect(() => compileSerializer(read, { validate: true })({ ...row, id: 'one' })).toThrow();
  });
});
