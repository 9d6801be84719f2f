import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stderr (stdout is for command output); `level` from --log-level. */
export function createLogger(level = 'info'): Logger {
  return pino({ name: 'koprogo-edge', level }, pino.destination(2));
}
