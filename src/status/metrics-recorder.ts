// The raw observations Prometheus histograms need. The health report only carries averages, so the
// supervisor calls this hook beside HealthMonitor on every API call and every completed scan.
import type { ApiCallSample } from '../health/api-collector.js';

export type { ApiCallSample } from '../health/api-collector.js';

/** The outcome label of an API call: rate-limited calls are their own outcome, not "failed". */
export type ApiCallOutcome = 'ok' | 'failed' | 'rate_limited';

export function apiCallOutcome(sample: ApiCallSample): ApiCallOutcome {
  if (sample.ok) return 'ok';
  return sample.rateLimited ? 'rate_limited' : 'failed';
}

export interface MetricsRecorder {
  recordApiCall(sample: ApiCallSample): void;
  /** A completed scan's duration (failed scans are only counted: HealthMonitor.recordScanErrors). */
  recordScan(durationMs: number): void;
  /** A worker-reported duration (reaction, scanQuotaWait, orderAck, ...; see perf/performance-figures.ts). */
  recordTiming?(name: string, ms: number): void;
}
