// Worker-side logging: lines travel to the supervisor as `log` messages and are written by its
// winston logger, so one process has one set of log files.
import type { LogLevel } from '../protocol/messages.js';
import type { PostWorkerMessage } from './message-sink.js';

export interface WorkerLog {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

export function createWorkerLog(post: PostWorkerMessage): WorkerLog {
  const at =
    (level: LogLevel) =>
    (message: string, meta?: Record<string, unknown>): void =>
      post({ type: 'log', level, message, ...(meta ? { meta } : {}) });
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
