/**
 * Structured logs (pino): one JSON object per line on stdout, ISO time, the process role and pid
 * in every line, so that the logs of several API and worker processes can be merged and searched.
 * Level from BASEERAT_LOG_LEVEL (default info). Never log record contents: narratives and raw
 * records are confidential; log ids, counts and timings.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(role: string, options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.BASEERAT_LOG_LEVEL ?? 'info';
  const opts = { level, base: { role, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return options.destination === undefined ? pino(opts) : pino(opts, options.destination);
}
