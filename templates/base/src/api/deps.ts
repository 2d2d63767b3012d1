import type { Db } from '../db/client.js';

/** What every resource's route factory receives: add a dependency here, and in app.ts. */
export interface RouteDeps {
  db: Db;
}
