import { eq, type AnyColumn, type SQL } from 'drizzle-orm';
import {
  boolean,
  date as pgDate,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp as pgTimestamp,
  uniqueIndex,
  uuid as pgUuid,
  varchar as pgVarchar,
} from 'drizzle-orm/pg-core';

/**
 * The column types every table is written in, as this database spells them.
 * Tables import these instead of a dialect's own builders, so a table file
 * reads the same whichever database the project uses.
 */
export const table = pgTable;
export { index, uniqueIndex };

export const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity();
/** a column holding another table's id */
export const foreignId = (name: string) => integer(name);
export const varchar = (name: string, length = 255) => pgVarchar(name, { length });
export const longText = (name: string) => text(name);
/** a JSON document kept whole (an API answer) */
export const documentText = (name: string) => text(name);
export const int = (name: string) => integer(name);
export const bool = (name: string) => boolean(name);
/** a point in time with milliseconds, read as a Date */
export const timestamp = (name: string) => pgTimestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
/** a calendar date, read as "2026-01-31" */
export const date = (name: string) => pgDate(name, { mode: 'string' });
export const uuid = (name: string) => pgUuid(name);
/** an exact decimal, read as a string ("12.50") */
export const decimal = (name: string, precision: number, scale: number) => numeric(name, { precision, scale });

/** A time as a query placeholder value (placeholders skip drizzle's mapping). */
export const timeParam = (epochMs: number): unknown => new Date(epochMs);

/** What a list compares and sorts a decimal by: the column itself (SQLite needs its value as a number). */
export const decimalOrder = <C extends AnyColumn>(column: C): C => column;

/** A list's `exact` filter on text: the column's own comparison, which is case-sensitive here (MySQL's is not). */
export const sameText = (column: AnyColumn, value: unknown): SQL => eq(column, value);
