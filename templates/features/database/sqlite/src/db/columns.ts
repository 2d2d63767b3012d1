import { eq, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The column types every table is written in, as this database spells them.
 * Tables import these instead of a dialect's own builders, so a table file
 * reads the same whichever database the project uses.
 */
export const table = sqliteTable;
export { index, uniqueIndex };

export const id = () => integer('id').primaryKey({ autoIncrement: true });
/** a column holding another table's id */
export const foreignId = (name: string) => integer(name);
/** a short string; SQLite does not enforce the length, the write schema does */
export const varchar = (name: string, _length = 255) => text(name);
export const longText = (name: string) => text(name);
/** a JSON document kept whole (an API answer) */
export const documentText = (name: string) => text(name);
export const int = (name: string) => integer(name);
export const bool = (name: string) => integer(name, { mode: 'boolean' });
/** a point in time with milliseconds, read as a Date */
export const timestamp = (name: string) => integer(name, { mode: 'timestamp_ms' });
/** a calendar date, read as "2026-01-31": SQLite has no date type, so it is stored as text in that form */
export const date = (name: string) => text(name);
/** SQLite has no uuid type: its 36-character text form */
export const uuid = (name: string) => text(name);
/** an exact decimal, read as a string ("12.50"): SQLite has no decimal type, so it is stored as text */
export const decimal = (name: string, _precision: number, _scale: number) => text(name);

/** A time as a query placeholder value: SQLite stores epoch milliseconds (placeholders skip drizzle's mapping). */
export const timeParam = (epochMs: number): unknown => epochMs;

/**
 * What a list compares and sorts a decimal by: SQLite keeps decimals as text, which sorts as text ("100.00" before
 * "20.00"), so its value as a number (a double holds a DECIMAL(12, 2) exactly enough to compare). An index on the
 * same expression serves the list's ordering.
 */
export const decimalOrder = (column: AnyColumn): SQL => sql`cast(${column} as real)`;

/** A list's `exact` filter on text: the column's own comparison, which is case-sensitive here (MySQL's is not). */
export const sameText = (column: AnyColumn, value: unknown): SQL => eq(column, value);
