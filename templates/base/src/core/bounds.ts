/**
 * The ranges every database holds, so that no value a client sends reaches one as an error: ids and `int` columns
 * are 32-bit on PostgreSQL and MySQL (SQLite's are wider, but the same code runs on all three), and times fit
 * MySQL's DATETIME (years 1000 to 9999).
 */
export const INT32_MAX = 2_147_483_647;
export const INT32_MIN = -2_147_483_648;

/** Whether a number can be the id of a row: a whole number from 1 to the id column's maximum. */
export const isStorableId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= INT32_MAX;

export const TIME_MIN_MS = Date.UTC(1000, 0, 1);
export const TIME_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Whether a number of milliseconds is a time every database can compare a column with. */
export const isStorableTime = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= TIME_MIN_MS && (value as number) <= TIME_MAX_MS;
