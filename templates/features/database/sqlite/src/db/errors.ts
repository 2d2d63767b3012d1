import { Conflict, ValidationError } from '../core/errors.js';

/** The driver's error behind drizzle's wrapping, if any has a code. */
function driverError(error: unknown): { code?: unknown; message?: unknown } | undefined {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code !== undefined) return current as { code?: unknown; message?: unknown };
  }
  return undefined;
}

/** RESTRICT is enforced like a trigger, so SQLite may report it as SQLITE_CONSTRAINT_TRIGGER: the message is what is sure. */
function isForeignKeyViolation(error: unknown): boolean {
  const driver = driverError(error);
  return String(driver?.code).startsWith('SQLITE_CONSTRAINT') && String(driver?.message).includes('FOREIGN KEY constraint failed');
}

/** True when a query failed on a UNIQUE (or primary key) constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = driverError(error)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Database errors a client caused, said as API errors (a 409 for a foreign key, a 400 for a duplicate): a duplicate value is a
 * 400 on its field (`UNIQUE constraint failed: products.sku` -> `sku`), not a 500.
 */
export function translateDatabaseError(error: unknown): unknown {
  // a delete that rows elsewhere still refer to (orders of a product): the client's to resolve, not a server error
  if (isForeignKeyViolation(error)) return new Conflict('Other records refer to this one; remove or change them first.');
  if (!isUniqueViolation(error)) return error;
  const columns = /constraint failed: (.+)$/.exec(String(driverError(error)?.message))?.[1]?.split(', ') ?? [];
  const field = columns.length === 1 ? columns[0]!.split('.').pop()! : 'non_field_errors';
  return ValidationError.field(
    field,
    field === 'non_field_errors' ? 'This combination of values already exists.' : 'This field must be unique.',
  );
}
