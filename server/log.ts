import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

export type { Logger };

/** The server's JSON logger (pino). */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'carracing-arena' } });
}
