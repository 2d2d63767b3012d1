/**
 * SQLite makes its file (and the folder, in client.ts) on first open: there is never a database to create by
 * hand. The same call as the server databases have, so `db:migrate` and `dev` read alike on every datastore.
 */
export async function createDatabaseIfMissing(_url: string, _timeoutMs: number): Promise<boolean> {
  return false;
}
