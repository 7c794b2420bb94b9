// Runtime figures of the scanner's indicator pool. Pool threads sample themselves (the pool runs
// with async atomics, so their event loops, and this timer, keep turning between tasks) and post a
// `pool-runtime` message; the scanner merges the threads' latest samples into one `indicator-pool`
// figure for its heartbeat.
import { parentPort, threadId } from 'node:worker_threads';
import { poolRuntimeMessageSchema, type PoolRuntimeMessage, type RuntimeSample } from '../protocol/messages.js';
import { RuntimeSampler } from '../perf/runtime-sampler.js';
import { systemClock } from '../resilience/clock.js';

/** Pool-thread side: sample every `intervalMs` and post to the pool's parent (the scanner). */
export function startPoolThreadSampling(intervalMs = 1000): void {
  const port = parentPort;
  if (!port) return;
  const sampler = new RuntimeSampler();
  systemClock
    .setInterval(() => {
      const message: PoolRuntimeMessage = { type: 'pool-runtime', threadId, sample: sampler.take() };
      port.postMessage(message);
    }, intervalMs)
    .unref();
}

/** Scanner side: collects pool threads' samples between two heartbeats. */
export class PoolRuntime {
  private pending = new Map<number, RuntimeSample[]>();

  /** Feed piscina's 'message' events here; anything else is ignored. */
  onMessage(raw: unknown): void {
    const parsed = poolRuntimeMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const list = this.pending.get(parsed.data.threadId) ?? [];
    list.push(parsed.data.sample);
    this.pending.set(parsed.data.threadId, list.slice(-10));
  }

  /** The pool as one thread since the last take(), or undefined when no pool thread reported. */
  take(): RuntimeSample | undefined {
    const perThread = [...this.pending.values()].map(mergeIntervals);
    this.pending = new Map();
    return mergeThreads(perThread);
  }
}

/** Consecutive samples of one thread as one interval. */
export function mergeIntervals(samples: readonly RuntimeSample[]): RuntimeSample {
  const span = samples.reduce((a, s) => a + s.intervalMs, 0);
  const last = samples[samples.length - 1] as RuntimeSample;
  return {
    at: last.at,
    intervalMs: span,
    eldP50Ms: Math.max(...samples.map((s) => s.eldP50Ms)),
    eldP99Ms: Math.max(...samples.map((s) => s.eldP99Ms)),
    eldMaxMs: Math.max(...samples.map((s) => s.eldMaxMs)),
    elu: span > 0 ? samples.reduce((a, s) => a + s.elu * s.intervalMs, 0) / span : last.elu,
    heapUsedMb: last.heapUsedMb,
    heapLimitMb: last.heapLimitMb,
    gcMs: samples.reduce((a, s) => a + s.gcMs, 0),
  };
}

/**
 * Several threads as one: the worst delay, the mean utilisation, heaps summed (the pool's memory),
 * GC time per thread averaged so gc_ms_per_min stays "per thread-minute".
 */
export function mergeThreads(threads: readonly RuntimeSample[]): RuntimeSample | undefined {
  if (threads.length === 0) return undefined;
  const n = threads.length;
  return {
    at: Math.max(...threads.map((s) => s.at)),
    intervalMs: Math.max(...threads.map((s) => s.intervalMs)),
    eldP50Ms: Math.max(...threads.map((s) => s.eldP50Ms)),
    eldP99Ms: Math.max(...threads.map((s) => s.eldP99Ms)),
    eldMaxMs: Math.max(...threads.map((s) => s.eldMaxMs)),
    elu: threads.reduce((a, s) => a + s.elu, 0) / n,
    heapUsedMb: threads.reduce((a, s) => a + s.heapUsedMb, 0),
    heapLimitMb: threads.reduce((a, s) => a + s.heapLimitMb, 0),
    gcMs: threads.reduce((a, s) => a + s.gcMs, 0) / n,
  };
}
