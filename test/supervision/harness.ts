// Shared helpers for supervision tests: a capturing logger and alert sink, and waiting for events.
import type { Disposable } from '../../src/supervision/event.js';
import type { SupervisorLogger } from '../../src/supervision/supervisor-options.js';

export const FIXTURE_WORKER = new URL('../fixtures/fixture-worker.js', import.meta.url);

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly meta: Record<string, unknown>;
}

export function captureLogger(): SupervisorLogger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, meta: Record<string, unknown> = {}) => {
      lines.push({ level, message, meta });
    };
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** Resolves with the first event that matches, or rejects after `timeoutMs`. */
export function nextEvent<T>(
  subscribe: (listener: (v: T) => void) => Disposable,
  match: (v: T) => boolean = () => true,
  timeoutMs = 10_000,
  what = 'event',
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = subscribe((v) => {
      if (!match(v)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(v);
    });
  });
}

/** Small intervals for fast tests (heartbeat 100 ms, stall 400 ms). */
export const FAST = {
  heartbeatIntervalMs: 100,
  stallTimeoutMs: 400,
  progressTimeoutMs: 60_000,
  startTimeoutMs: 15_000,
  checkIntervalMs: 20,
  shutdownTimeoutMs: 2000,
  metricsIntervalMs: 200,
  rpcTimeoutMs: 5000,
} as const;
