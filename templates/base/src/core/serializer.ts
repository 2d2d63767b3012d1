import { z } from 'zod';

export type Serializer = (value: unknown) => unknown;

const asIs: Serializer = (value) => value;

/**
 * Turns a read schema into the function that shapes a response. Both modes send
 * exactly the declared fields, so a column the schema does not name never leaks:
 * the fast walk only goes through objects, arrays and plain values, and checks
 * anything else (a union, a transform) in full.
 * `validate` also checks every value against the schema (a mismatch is a 500):
 * on in development and tests, where it catches a read schema drifting from what
 * the code returns; off in production, where the same walk without checks is
 * several times cheaper on large pages.
 */
export function compileSerializer(schema: z.ZodType, options: { validate: boolean }): Serializer {
  return options.validate ? (value) => schema.parse(value) : pick(schema);
}

function pick(schema: z.ZodType): Serializer {
  if (schema instanceof z.ZodObject) {
    const fields = Object.entries(schema.shape as Record<string, z.ZodType>).map(([key, field]) => [key, pick(field)] as const);
    return (value) => {
      if (value === null || typeof value !== 'object') return value;
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [key, serialize] of fields) {
        const field = source[key];
        // plain values (most fields) are copied without a call
        if (field !== undefined) out[key] = serialize === asIs ? field : serialize(field);
      }
      return out;
    };
  }
  if (schema instanceof z.ZodArray) {
    const element = pick(schema.element as z.ZodType);
    return (value) => (Array.isArray(value) ? value.map(element) : value);
  }
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    const inner = pick(schema.unwrap() as z.ZodType);
    return (value) => (value === null || value === undefined ? value : inner(value));
  }
  if (isLeaf(schema)) return asIs;
  // unions, transforms and the like: which fields are declared depends on the value, so check it fully
  return (value) => schema.parse(value);
}

function isLeaf(schema: z.ZodType): boolean {
  return (
    schema instanceof z.ZodString ||
    // z.iso.datetime(), z.uuid(), z.email(): plain strings too, whose checks belong to validation, not to shaping
    schema instanceof z.ZodStringFormat ||
    schema instanceof z.ZodNumber ||
    schema instanceof z.ZodBoolean ||
    schema instanceof z.ZodLiteral ||
    schema instanceof z.ZodEnum ||
    schema instanceof z.ZodNull ||
    schema instanceof z.ZodDate
  );
}
