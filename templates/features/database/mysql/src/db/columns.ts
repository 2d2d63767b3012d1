import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import {
  boolean,
  char,
  date as mysqlDate,
  datetime,
  decimal as mysqlDecimal,
  index,
  int as mysqlInt,
  mediumtext,
  mysqlTable,
  text,
  uniqueIndex,
  varchar as mysqlVarchar,
} from 'drizzle-orm/mysql-core';

/**
 * The column types every table is written in, as this database spells them.
 * Tables import these instead of a dialect's own builders, so a table file
 * reads the same whichever database the project uses.
 */
export const table = mysqlTable;
export { index, uniqueIndex };

export const id = () => mysqlInt('id').primaryKey().autoincrement();
/** a column holding another table's id */
export const foreignId = (name: string) => mysqlInt(name);
export const varchar = (name: string, length = 255) => mysqlVarchar(name, { length });
export const longText = (name: string) => text(name);
/** a JSON document kept whole (an API answer): MEDIUMTEXT, up to 16 MB, where TEXT stops at 64 KB */
export const documentText = (name: string) => mediumtext(name);
export const int = (name: string) => mysqlInt(name);
export const bool = (name: string) => boolean(name);
/** a point in time with milliseconds, read as a Date (stored as UTC) */
export const timestamp = (name: string) => datetime(name, { mode: 'date', fsp: 3 });
/** a calendar date, read as "2026-01-31" */
export const date = (name: string) => mysqlDate(name, { mode: 'string' });
/** MySQL has no uuid type: its 36-character text form */
export const uuid = (name: string) => char(name, { length: 36 });
/** an exact decimal, read as a string ("12.50") */
export const decimal = (name: string, precision: number, scale: number) => mysqlDecimal(name, { precision, scale });

/** A time as a query placeholder value (placeholders skip drizzle's mapping). */
export const timeParam = (epochMs: number): unknown => new Date(epochMs);

/** What a list compares and sorts a decimal by: the column itself (SQLite needs its value as a number). */
export const decimalOrder = <C extends AnyColumn>(column: C): C => column;

/**
 * A list's `exact` filter on text, case-sensitive as on the other databases: MySQL's default collation compares
 * ignoring case, so the byte-wise comparison narrows what the (indexable) collation's comparison finds.
 */
export const sameText = (column: AnyColumn, value: unknown): SQL =>
  sql`(${column} = ${value} and cast(${column} as binary) = cast(${value} as binary))`;
