// What watches the database's queries: the metrics time them, the tracing gives each a span. The drivers' hooks
// (src/db/client.ts) call one observer, whatever is watching.

/** Told that a query starts (its SQL, when the driver gives it); returns what to call when it has ended. */
export type QueryObserver = (statement: string | undefined) => (error?: unknown) => void;

/** The observers that are on, as one; undefined when none is (the driver then wraps nothing). */
export function combineObservers(...observers: (QueryObserver | undefined)[]): QueryObserver | undefined {
  const on = observers.filter((observer) => observer !== undefined);
  if (on.length <= 1) return on[0];
  return (statement) => {
    const ends = on.map((observe) => observe(statement));
    return (error) => {
      for (const end of ends) end(error);
    };
  };
}

/**
 * Wraps a driver's query method so that each call is observed from its start until it returns (synchronous, as
 * better-sqlite3's are) or its promise settles, whatever the outcome.
 */
export function observedCalls<F extends (...args: never[]) => unknown>(
  call: F,
  observe: QueryObserver,
  statementOf: (args: Parameters<F>) => string | undefined,
): F {
  return ((...args: Parameters<F>) => {
    const end = observe(statementOf(args));
    let result: unknown;
    try {
      result = call(...args);
    } catch (error) {
      end(error);
      throw error;
    }
    if (result instanceof Promise) result.then(() => end(), end);
    else end();
    return result;
  }) as F;
}

/** The SQL of a driver call's first argument: a string, or an object holding it (pg: `text`, mysql2: `sql`). */
export function sqlOf(first: unknown): string | undefined {
  if (typeof first === 'string') return first;
  if (typeof first !== 'object' || first === null) return undefined;
  const { text, sql } = first as { text?: unknown; sql?: unknown };
  return typeof text === 'string' ? text : typeof sql === 'string' ? sql : undefined;
}
