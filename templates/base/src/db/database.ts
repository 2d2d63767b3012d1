/** An open database as the app uses it, whatever the dialect: the query builder, a health check, and close. */
export interface DatabaseHandle<Db> {
  db: Db;
  /** answers when the database does; used by /health/ready */
  ping(): Promise<void>;
  close(): Promise<void>;
}
