import { openApiDocuments } from '../api/operations.js';
import { API_INFO, composeApi } from '../app.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { OFFLINE_DATABASE_URL } from '../db/settings.js';
import { createLogger } from '../logger.js';

/**
 * Every version's OpenAPI document as the code serves it now, built from the
 * same route definitions, without a server or a database (the client is
 * opened on a URL it never connects to: building routes runs no query).
 */
export async function liveDocuments(): Promise<Record<string, Record<string, unknown>>> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: OFFLINE_DATABASE_URL });
  const database = openDatabase(config.databaseUrl, config.database);
  try {
    const { registry, apiRoutes, credentials } = composeApi({ config, logger: createLogger({ level: 'silent' }), database });
    return openApiDocuments(API_INFO, registry, apiRoutes, credentials);
  } finally {
    await database.close();
  }
}
