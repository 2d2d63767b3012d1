import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Structured JSON logs. Credentials never reach a log line: headers that carry
 * them and any field named like a password or token are redacted wherever they appear.
 */
export function createLogger(
  options: {
    level: string;
    enabled?: boolean;
    pretty?: boolean;
    /** fields added to every line (the tracing's trace and span ids) */
    fields?: () => Record<string, string>;
  },
  destination?: DestinationStream,
): Logger {
  const settings = {
    level: options.level,
    enabled: options.enabled ?? true,
    ...(options.fields ? { mixin: options.fields } : {}),
    // development on a terminal: one readable line per entry (pino-pretty, a dev dependency, loaded in a worker only
    // then); anywhere else JSON, one object per line, for the log collector
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
      : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        'password',
        '*.password',
        '*.*.password',
        'refresh',
        '*.refresh',
        'access',
        '*.access',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(settings, destination) : pino(settings);
}

/** Pretty logs: in development, on a terminal, where pino-pretty is installed (a dev dependency; never in production). */
export function wantsPrettyLogs(env: string): boolean {
  if (env !== 'development' || process.stdout.isTTY !== true) return false;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
