import { existsSync } from 'node:fs';

/** Reads `.env` into process.env when present; variables already set win (Node's own loader). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
