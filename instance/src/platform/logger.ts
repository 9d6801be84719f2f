import { pino, type Logger } from 'pino';
import type { Config } from '../config.ts';

/**
 * Paths that must never reach a log line: credentials, tokens and personal contact data.
 * Request bodies are never logged; these cover objects that code passes explicitly.
 */
export const redactPaths = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'refreshToken', '*.refreshToken', 'accessToken', '*.accessToken',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization',
  'email', '*.email', 'phone', '*.phone', 'databaseUrl', '*.databaseUrl', 'jwtSecret', '*.jwtSecret',
];

export function createLogger(config: Pick<Config, 'logLevel' | 'logPretty'>, destination?: { write(line: string): void }): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(config.logPretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
