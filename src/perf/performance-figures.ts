// The figures the suggestion rules read: plain data over one window, built by PerformanceCollector.
// Rules are pure functions of this shape, so a test builds one by hand and checks a rule alone.
import type { RuntimeSample } from '../protocol/messages.js';
import type { SampleStats } from './windowed-samples.js';

/** Timing names the workers report (MetricsSink.timing) and the report/rules read. */
export const TIMINGS = {
  /** Scanner: time waiting for rate-limit tokens, per exchange call. */
  scanQuotaWait: 'scanQuotaWait',
  /** Scanner: exchange round trip per call (after the token was granted). */
  scanFetch: 'scanFetch',
  /** Scanner: one symbol's indicator task in the piscina pool, queue wait included. */
  scanCompute: 'scanCompute',
  /** Executor: entry intent journaled -> exchange accepted the order. */
  orderAck: 'orderAck',
  /** Executor: entry intent journaled -> fill confirmed. */
  orderFill: 'orderFill',
  /** Position monitor: streamed price received -> close requested from the executor. */
  reaction: 'reaction',
} as const;

export interface ThreadFigures {
  /** Samples received within the window, oldest first. */
  readonly samples: readonly RuntimeSample[];
  /** Ms since this thread's first sample (its current incarnation's, after a restart). */
  readonly sinceMs: number;
}

export interface EndpointFigures extends SampleStats {
  /** The thread that made most of these calls. */
  readonly thread: string;
}

export interface PoolFigures {
  readonly threads: number;
  readonly cores: number;
  /** p99 of a task's wait in the pool's queue over the last scan, ms. */
  readonly queueWaitP99Ms: number;
}

export interface PerformanceFigures {
  readonly now: number;
  readonly windowMs: number;
  readonly threads: Readonly<Record<string, ThreadFigures>>;
  /** API latency by endpoint, ms. */
  readonly endpoints: Readonly<Record<string, EndpointFigures>>;
  readonly timings: Readonly<Record<string, SampleStats>>;
  /** Completed scan durations, ms. */
  readonly scans: SampleStats;
  /** CHECK_INTERVAL in ms. */
  readonly checkIntervalMs: number;
  /** LIVE_LOOP_INTERVAL in ms. */
  readonly liveLoopMs: number;
  /** Calls refused for quota (429) within the window, by thread. */
  readonly rateLimited: Readonly<Record<string, number>>;
  /** Restarts within the window, by thread. */
  readonly restarts: Readonly<Record<string, number>>;
  /** Price stream reconnects within the window, by thread. */
  readonly streamReconnects: Readonly<Record<string, number>>;
  /** Null until the scanner reported its pool. */
  readonly pool: PoolFigures | null;
}
