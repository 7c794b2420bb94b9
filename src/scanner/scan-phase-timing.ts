// Splits scan time into its phases without touching the scan logic: the exchange client's gate is
// wrapped to time the wait for rate-limit tokens, its call observer to time each fetch, and the
// analysis function to time indicator compute (the pool's queue wait included). Calls overlap, so
// each phase is reported per call / per symbol, not as a share of the scan's wall time.
import type { CallRecord } from '../exchange/call-record.js';
import type { QuotaPool } from '../exchange/endpoints.js';
import type { Limiter } from '../resilience/limiter.js';
import { TIMINGS } from '../perf/performance-figures.js';
import type { MetricsSink } from '../worker-runtime/metrics-sender.js';
import type { AnalyzeFn } from './market-scanner.js';
import { type Clock, systemClock } from '../resilience/clock.js';

type Timing = (name: string, ms: number) => void;

export function timedGate(gate: Limiter<QuotaPool>, timing: Timing, clock: Clock = systemClock): Limiter<QuotaPool> {
  return {
    acquire: async (pool, weight, priority, signal) => {
      const started = clock.monotonic();
      await gate.acquire(pool, weight, priority, signal);
      timing(TIMINGS.scanQuotaWait, clock.monotonic() - started);
    },
    observe: (pool, snapshot) => gate.observe(pool, snapshot),
    rateLimited: (pool, resetMs) => gate.rateLimited(pool, resetMs),
  };
}

/** The metrics sink with every call's duration also recorded as a fetch timing. */
export function timedCalls(metrics: MetricsSink, timing: Timing): MetricsSink {
  return {
    count: (name, by) => metrics.count(name, by),
    gauge: (name, value) => metrics.gauge(name, value),
    call: (record: CallRecord) => {
      timing(TIMINGS.scanFetch, record.durationMs);
      metrics.call(record);
    },
    timing,
  };
}

export function timedAnalyze(analyze: AnalyzeFn, timing: Timing, clock: Clock = systemClock): AnalyzeFn {
  return async (input, signal) => {
    const started = clock.monotonic();
    try {
      return await analyze(input, signal);
    } finally {
      timing(TIMINGS.scanCompute, clock.monotonic() - started);
    }
  };
}
