import { ValidationError } from '../core/errors.js';

/** The driver's error behind drizzle's wrapping, if any has a code. */
function driverError(error: unknown): { code?: unknown; message?: unknown } | undefined {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code !== undefined) return current as { code?: unknown; message?: unknown };
  }
  return undefined;
}

/** True when a query failed on a UNIQUE (or primary key) constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverError(error)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Database errors a client caused, said as API errors: a duplicate value is a
 * 400 on its field (`UNIQUE constraint failed: products.sku` -> `sku`), not a 500.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  const columns = /constraint failed: (.+)$/.exec(String(driverError(error)?.message))?.[1]?.split(', ') ?? [];
  const field = columns.length === 1 ? columns[0]!.split('.').pop()! : 'non_field_errors';
  return ValidationError.field(
    field,
    field === 'non_field_errors' ? 'This combination of values already exists.' : 'This field must be unique.',
  );
}
