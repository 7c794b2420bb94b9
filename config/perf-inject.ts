// PERF_INJECT=<worker>:block=<ms>|leak=<mb>[:for=<seconds>][,<more>]: deliberate load for tests and
// demos of the performance advisor (paper mode only). `block` busy-loops the worker's event loop
// before every loop step; `leak` retains that many MB of heap per step; `for` stops it after that
// many seconds (default: never).
import { STALLABLE_WORKERS, type StallableWorker } from './stall-inject.js';

export interface PerfInjection {
  readonly worker: StallableWorker;
  readonly blockMs: number;
  readonly leakMb: number;
  /** Seconds after the worker starts when the injection ends; null = never. */
  readonly forSeconds: number | null;
}

const ENTRY = /^([a-z-]+):(block|leak)=(\d+(?:\.\d+)?)(?::for=(\d+(?:\.\d+)?))?$/;

/** Parses the hook; '' means off. Throws an error naming what is wrong. */
export function parsePerfInject(raw: string): PerfInjection[] {
  const value = raw.trim();
  if (value === '') return [];
  const byWorker = new Map<StallableWorker, PerfInjection>();
  for (const part of value.split(',')) {
    const entry = part.trim();
    const match = ENTRY.exec(entry);
    if (!match)
      throw new Error(
        `PERF_INJECT entries must look like <worker>:block=<ms> or <worker>:leak=<mb>, optionally :for=<seconds>; got '${entry}'`,
      );
    const [, worker, kind, amount, forS] = match;
    if (!(STALLABLE_WORKERS as readonly string[]).includes(worker ?? '')) {
      throw new Error(`PERF_INJECT worker must be one of ${STALLABLE_WORKERS.join(', ')}, got '${worker}'`);
    }
    const n = Number(amount);
    if (kind === 'block' && !(n > 0 && n <= 10_000))
      throw new Error(`PERF_INJECT block must be 1..10000 ms, got ${amount}`);
    if (kind === 'leak' && !(n > 0 && n <= 100))
      throw new Error(`PERF_INJECT leak must be more than 0 and at most 100 MB per step, got ${amount}`);
    if (forS !== undefined && !(Number(forS) > 0))
      throw new Error(`PERF_INJECT for must be a positive number of seconds, got ${forS}`);
    const w = worker as StallableWorker;
    const prev = byWorker.get(w) ?? { worker: w, blockMs: 0, leakMb: 0, forSeconds: null };
    byWorker.set(w, {
      ...prev,
      ...(kind === 'block' ? { blockMs: n } : { leakMb: n }),
      forSeconds: forS !== undefined ? Number(forS) : prev.forSeconds,
    });
  }
  return [...byWorker.values()];
}
