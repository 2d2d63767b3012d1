import { Conflict, DatabaseBusy, ValidationError, ValueOutOfRange } from '../core/errors.js';

/** The driver's error behind drizzle's wrapping, if any has a code. */
function driverError(error: unknown): { code?: unknown; detail?: unknown } | undefined {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code !== undefined) return current as { code?: unknown; detail?: unknown };
  }
  return undefined;
}

/** True when a query failed on a UNIQUE (or primary key) constraint. */
export function isUniqueViolation(error: unknown): boolean {
  return driverError(error)?.code === '23505';
}

/**
 * Database errors a client caused, said as API errors (a 409 for a foreign key, a 400 for a duplicate): a duplicate value is a
 * 400 on its field (`Key (sku)=(A1) already exists.` -> `sku`), not a 500.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (isBusy(error)) return new DatabaseBusy();
  // a delete that rows elsewhere still refer to (orders of a product): the client's to resolve, not a server error
  if (driverError(error)?.code === '23503') return new Conflict('Other records refer to this one; remove or change them first.');
  if (VALUE_CODES.has(String(driverError(error)?.code))) return new ValueOutOfRange();
  if (!isUniqueViolation(error)) return error;
  const columns = /^Key \((.+?)\)=/.exec(String(driverError(error)?.detail))?.[1]?.split(', ') ?? [];
  const field = columns.length === 1 ? columns[0]!.replace(/"/g, '') : 'non_field_errors';
  return ValidationError.field(
    field,
    field === 'non_field_errors' ? 'This combination of values already exists.' : 'This field must be unique.',
  );
}

/**
 * A value its column cannot hold: numeric_value_out_of_range (an int4 past 2^31), string_data_right_truncation (text
 * past a varchar's length), datetime_field_overflow, character_not_in_repertoire and untranslatable_character (a NUL).
 */
const VALUE_CODES = new Set(['22003', '22001', '22008', '22021', '22P05']);

/**
 * Waits that ran out (lock_timeout, set to DATABASE_TIMEOUT_MS in client.ts; a statement_timeout), and transactions
 * the server ended to break a deadlock or a serialization conflict: nothing the client did wrong, a 503 to retry.
 * The pool's own wait for a free connection says so only in its message.
 */
const BUSY_CODES = new Set(['55P03', '57014', '40001', '40P01']);

function isBusy(error: unknown): boolean {
  if (BUSY_CODES.has(String(driverError(error)?.code))) return true;
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if (current instanceof Error && current.message === 'timeout exceeded when trying to connect') return true;
  }
  return false;
}
