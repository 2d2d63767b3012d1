/** A database URL fit for a log line or an error message: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // not a URL (a SQLite path): nothing secret in it
    return url;
  }
}

/**
 * An error as one line: the driver's own reason (drizzle wraps it in "Failed query: ..."), or its code
 * (`ECONNREFUSED`) where it gives no message. Never a stack.
 */
export function rootCause(error: unknown): string {
  let current = error as { cause?: unknown; message?: unknown; errors?: unknown[] };
  while (current.cause) current = current.cause as typeof current;
  // a connection refused on every address (IPv4 and IPv6) comes as an AggregateError with an empty message
  if (!current.message && Array.isArray(current.errors) && current.errors.length > 0) current = current.errors[0] as typeof current;
  return String(current.message || (current as { code?: unknown }).code || current).split('\n')[0]!;
}
