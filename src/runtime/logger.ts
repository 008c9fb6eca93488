import { pino, type Logger } from 'pino';

/** Structured logs, one JSON line per command and per job. */
export function createLogger(level = 'info', name = 'rollbot'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

export type { Logger };
