// The scanner's piscina pool for indicator maths: sized for the machine (one core is left for the
// other threads), tasks cancellable with an AbortSignal, destroyed at shutdown.
import os from 'node:os';
import { Piscina } from 'piscina';
import type { IndicatorTaskInput, SignalResult } from '../strategy/signal-types.js';

export interface IndicatorPool {
  analyze(input: IndicatorTaskInput, signal?: AbortSignal): Promise<SignalResult>;
  readonly threads: number;
  close(): Promise<void>;
}

export function defaultPoolThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/** `taskFile`: the compiled piscina task module (default export `(input) => SignalResult`). */
export function createIndicatorPool(taskFile: URL, threads = defaultPoolThreads()): IndicatorPool {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const pool = new Piscina<IndicatorTaskInput, SignalResult>({
    filename: taskFile.href,
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  return {
    threads,
    analyze: (input, signal) => pool.run(input, signal ? { signal } : {}),
    close: () => pool.destroy(),
  };
}
