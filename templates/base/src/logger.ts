import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/**
 * Structured JSON logs. Credentials never reach a log line: headers that carry
 * them and any field named like a password or token are redacted wherever they appear.
 */
export function createLogger(options: { level: string; enabled?: boolean }, destination?: DestinationStream): Logger {
  const settings = {
    level: options.level,
    enabled: options.enabled ?? true,
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
