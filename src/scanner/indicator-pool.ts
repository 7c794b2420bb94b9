// The scanner's piscina pool for indicator maths: sized for the machine (one core is left for the
// other threads), tasks cancellable with an AbortSignal, destroyed at shutdown.
import os from 'node:os';
import { Piscina } from 'piscina';
import type { IndicatorTaskInput, SignalResult } from '../strategy/signal-types.js';

export interface IndicatorPoolStats {
  readonly threads: number;
  readonly cores: number;
  /** p99 of a task's wait in the queue since the previous call, ms. */
  readonly queueWaitP99Ms: number;
}

export interface IndicatorPool {
  analyze(input: IndicatorTaskInput, signal?: AbortSignal): Promise<SignalResult>;
  readonly threads: number;
  /** Messages the pool threads post (their runtime figures, see pool-runtime.ts). */
  onThreadMessage(listener: (message: unknown) => void): void;
  /** Queue statistics since the previous call (resets the wait histogram). */
  takeStats(): IndicatorPoolStats;
  close(): Promise<void>;
}

/** How often each pool thread posts its runtime figures to the scanner. */
export const POOL_SAMPLE_MS = 1000;

export function defaultPoolThreads(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/** `taskFile`: the compiled piscina task module (default export `(input) => SignalResult`). */
export function createIndicatorPool(taskFile: URL, threads = defaultPoolThreads()): IndicatorPool {
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const pool = new Piscina<IndicatorTaskInput, SignalResult>({
    filename: taskFile.href,
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
    // Async waits keep a pool thread's event loop turning between tasks, so its runtime sampler
    // (and event-loop delay) stay truthful; sync Atomics.wait would freeze both while idle.
    atomics: 'async',
    // Read by the task module: each pool thread samples its runtime figures this often.
    workerData: { sampleRuntimeMs: POOL_SAMPLE_MS },
  });
  return {
    threads,
    analyze: (input, signal) => pool.run(input, signal ? { signal } : {}),
    onThreadMessage: (listener) => void pool.on('message', listener),
    takeStats: () => {
      const wait = pool.histogram.waitTime;
      const p99 = Number.isFinite(wait.p99) ? wait.p99 : 0;
      pool.histogram.resetWaitTime();
      return { threads, cores: os.availableParallelism(), queueWaitP99Ms: p99 };
    },
    close: () => pool.destroy(),
  };
}
