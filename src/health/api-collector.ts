// The API collector: every exchange call's outcome, as lifetime totals, a per-endpoint breakdown
// and a sliding window (calls, successes, rate limits) that the verdict judges.
//
// Hot path: record() only bumps number fields and preallocated buckets; no allocation once an
// endpoint name has been seen.
import { type ApiReport, type EndpointReport, round } from './health-report.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';

/** One exchange call's outcome; the exchange layer's `CallRecord` satisfies it. */
export interface ApiCallSample {
  /** True when the call succeeded. A rate-limited call is not ok. */
  readonly ok: boolean;
  /** True when the exchange refused it for quota (429000); counted in failed calls too when !ok. */
  readonly rateLimited: boolean;
  readonly durationMs: number;
  readonly endpoint?: string;
}

export interface ApiCollectorOptions {
  /** The calls-per-minute window. */
  readonly rateWindowMs: number;
  /** Its bucket width (divides rateWindowMs). */
  readonly rateBucketMs: number;
  /** Distinct endpoint names tracked before the rest fold into "other". */
  readonly maxEndpoints: number;
}

/** What the verdict reads: the calls in the recent window. */
export interface ApiWindow {
  readonly windowSeconds: number;
  readonly recentCalls: number;
  readonly recentSuccessful: number;
  readonly recentRateLimited: number;
}

class EndpointStats {
  calls = 0;
  failed = 0;
  rateLimited = 0;
  durationSum = 0;
}

const OTHER_ENDPOINT = 'other';
const LANE_CALLS = 0;
const LANE_OK = 1;
const LANE_RATE_LIMITED = 2;

export class ApiCollector {
  private total = 0;
  private ok = 0;
  private failed = 0;
  private rateLimited = 0;
  private durationSum = 0;
  private durationCount = 0;
  private lastCallAt = Number.NaN;
  /** Lanes: CALLS, OK, RATE_LIMITED. */
  private readonly window: SlidingWindowCounter;
  private readonly endpoints = new Map<string, EndpointStats>();

  constructor(private readonly options: ApiCollectorOptions) {
    this.window = new SlidingWindowCounter({
      windowMs: options.rateWindowMs,
      bucketMs: options.rateBucketMs,
      lanes: 3,
    });
  }

  record(call: ApiCallSample, now: number): void {
    const slot = this.window.slot(now);
    this.total += 1;
    this.window.addAt(slot, 1, LANE_CALLS);
    if (call.ok) {
      this.ok += 1;
      this.window.addAt(slot, 1, LANE_OK);
    } else {
      this.failed += 1;
    }
    if (call.rateLimited) {
      this.rateLimited += 1;
      this.window.addAt(slot, 1, LANE_RATE_LIMITED);
    }
    const d = call.durationMs;
    const validDuration = d >= 0 && d < Number.POSITIVE_INFINITY;
    if (validDuration) {
      this.durationSum += d;
      this.durationCount += 1;
    }
    this.lastCallAt = now;
    if (call.endpoint !== undefined) {
      const stats = this.endpointStats(call.endpoint);
      stats.calls += 1;
      if (!call.ok) stats.failed += 1;
      if (call.rateLimited) stats.rateLimited += 1;
      if (validDuration) stats.durationSum += d;
    }
  }

  recentWindow(now: number): ApiWindow {
    return {
      windowSeconds: Math.round(this.options.rateWindowMs / 1000),
      recentCalls: this.window.total(now, LANE_CALLS),
      recentSuccessful: this.window.total(now, LANE_OK),
      recentRateLimited: this.window.total(now, LANE_RATE_LIMITED),
    };
  }

  report(now: number): ApiReport {
    const recentCalls = this.window.total(now, LANE_CALLS);
    const byEndpoint: Record<string, EndpointReport> = {};
    for (const [name, s] of this.endpoints) {
      byEndpoint[name] = {
        calls: s.calls,
        failed: s.failed,
        rate_limited: s.rateLimited,
        avg_latency_ms: s.calls > 0 ? round(s.durationSum / s.calls, 2) : 0,
      };
    }
    return {
      total_calls: this.total,
      successful_calls: this.ok,
      failed_calls: this.failed,
      rate_limited_calls: this.rateLimited,
      success_rate: this.total > 0 ? round((this.ok / this.total) * 100, 2) : 100,
      calls_per_minute: recentCalls,
      recent_success_rate: recentCalls > 0 ? round((this.window.total(now, LANE_OK) / recentCalls) * 100, 2) : null,
      rate_limited_last_minute: this.window.total(now, LANE_RATE_LIMITED),
      avg_latency_ms: this.durationCount > 0 ? round(this.durationSum / this.durationCount, 2) : 0,
      last_call_age_s: Number.isNaN(this.lastCallAt) ? null : round((now - this.lastCallAt) / 1000, 1),
      by_endpoint: byEndpoint,
    };
  }

  private endpointStats(endpoint: string): EndpointStats {
    let stats = this.endpoints.get(endpoint);
    if (stats === undefined) {
      // Bounded: a caller passing raw paths with ids must not grow the map forever.
      const key = this.endpoints.size < this.options.maxEndpoints ? endpoint : OTHER_ENDPOINT;
      stats = this.endpoints.get(key);
      if (stats === undefined) {
        stats = new EndpointStats();
        this.endpoints.set(key, stats);
      }
    }
    return stats;
  }
}
