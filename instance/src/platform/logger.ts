import { pino, stdSerializers, type Logger } from 'pino';
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

/** A request as logged: method and path only. Query strings can carry names (`?q=Dubois`): they stay out. */
export function requestForLog(req: { method?: string; url?: string; socket?: { remoteAddress?: string } }) {
  return { method: req.method, path: req.url?.split('?')[0], remoteAddress: req.socket?.remoteAddress };
}

/** Errors with their stack, minus the SQL parameters a database error carries (they hold personal data). */
export function errorForLog(err: Error) {
  const { parameters: _p, args: _a, ...rest } = stdSerializers.err(err) as Record<string, unknown>;
  return rest;
}

export function createLogger(config: Pick<Config, 'logLevel' | 'logPretty'>, destination?: { write(line: string): void }): Logger {
  const options = {
    level: config.logLevel,
    serializers: { req: requestForLog, err: errorForLog },
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(config.logPretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
