import { Conflict, DatabaseBusy, ValidationError, ValueOutOfRange } from '../core/errors.js';

interface DriverError {
  code?: unknown;
  sqlMessage?: unknown;
  sql?: unknown;
}

/** The driver's error behind drizzle's wrapping, if any has a code. */
function driverError(error: unknown): DriverError | undefined {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code !== undefined) return current as DriverError;
  }
  return undefined;
}

/** True when a query failed on a UNIQUE (or primary key) constraint. */
export function isUniqueViolation(error: unknown): boolean {
  return driverError(error)?.code === 'ER_DUP_ENTRY';
}

/**
 * Database errors a client caused, said as API errors: a 409 for a foreign key,
 * a 400 on its field for a duplicate value (`for key 'products_sku_unique'` -> `sku`).
 */
export function translateDatabaseError(error: unknown): unknown {
  const driver = driverError(error);
  // waits that ran out (innodb_lock_wait_timeout and lock_wait_timeout, set from DATABASE_TIMEOUT_MS in client.ts;
  // a statement time limit; the wait for a free pooled connection) and a deadlock the server broke: nothing the
  // client did wrong, a 503 to retry
  if (BUSY_CODES.has(String(driver?.code))) return new DatabaseBusy();
  if (driver?.code === 'ER_ROW_IS_REFERENCED_2' || driver?.code === 'ER_NO_REFERENCED_ROW_2') {
    return new Conflict('Other records refer to this one; remove or change them first.');
  }
  if (VALUE_CODES.has(String(driver?.code))) return new ValueOutOfRange();
  if (!isUniqueViolation(error)) return error;
  const field = duplicateField(String(driver?.sqlMessage), String(driver?.sql));
  return ValidationError.field(
    field,
    field === 'non_field_errors' ? 'This combination of values already exists.' : 'This field must be unique.',
  );
}

/** MySQL names the key, not the column: drizzle names keys `<table>_<column>_unique`; a bare key is the column's own. */
function duplicateField(message: string, statement: string): string {
  const key = /for key '(?:[^'.]+\.)?([^']+)'/.exec(message)?.[1];
  const table = /^\s*(?:insert\s+into|update)\s+`?(\w+)`?/i.exec(statement)?.[1];
  if (!key) return 'non_field_errors';
  const unique = table ? new RegExp(`^${table}_(\\w+)_unique$`).exec(key)?.[1] : undefined;
  if (unique) return unique;
  return /_unique$|_idx$|_key$/.test(key) ? 'non_field_errors' : key;
}

/**
 * A value its column cannot hold (strict mode refuses it rather than clamping): a number past the column's type or
 * past BIGINT in arithmetic, text past its length, a value of the wrong form for its column (a string with bytes
 * utf8mb4 cannot hold), a time past TIMESTAMP's range.
 */
const VALUE_CODES = new Set([
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_DATETIME_FUNCTION_OVERFLOW',
]);

/** The code of the error a query gets when no pooled connection came free within DATABASE_TIMEOUT_MS (client.ts). */
export const POOL_WAIT_TIMEOUT = 'POOL_WAIT_TIMEOUT';

const BUSY_CODES = new Set(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK', 'ER_QUERY_TIMEOUT', 'ER_STATEMENT_TIMEOUT', POOL_WAIT_TIMEOUT]);
