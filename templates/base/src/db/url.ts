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
