// Collects a worker's counters, gauges and exchange call records and posts them in one `metrics`
// message per interval (same port as the heartbeats), so the health monitor sees every thread.
import type { CallRecord } from '../exchange/call-record.js';
import type { CallSample } from '../protocol/messages.js';
import type { PostWorkerMessage } from './message-sink.js';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';

/** What loops record into; the sender batches it. */
export interface MetricsSink {
  count(name: string, by?: number): void;
  gauge(name: string, value: number): void;
  call(record: CallRecord): void;
  /** One observed duration in ms (reaction, scanQuotaWait, orderAck, ...), for percentiles. Optional for small fakes. */
  timing?(name: string, ms: number): void;
}

/** Calls kept between two sends; beyond this the oldest are dropped (and counted). */
const MAX_PENDING_CALLS = 5000;
/** Durations kept per name between two sends; beyond this new ones are dropped (and counted). */
const MAX_PENDING_TIMINGS = 2000;

export class MetricsSender implements MetricsSink {
  private readonly counters: Record<string, number> = {};
  private readonly gauges: Record<string, number> = {};
  private calls: CallSample[] = [];
  private timings: Record<string, number[]> = {};
  private timer: TimerHandle | undefined;

  constructor(
    private readonly post: PostWorkerMessage,
    private readonly intervalMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(intervalMs > 0)) throw new RangeError(`metricsIntervalMs must be positive, got ${intervalMs}`);
  }

  count(name: string, by = 1): void {
    if (Number.isFinite(by)) this.counters[name] = (this.counters[name] ?? 0) + by;
  }

  gauge(name: string, value: number): void {
    if (Number.isFinite(value)) this.gauges[name] = value;
  }

  call(record: CallRecord): void {
    if (this.calls.length >= MAX_PENDING_CALLS) {
      this.calls.shift();
      this.count('callRecordsDropped');
    }
    // Only what the supervisor reads crosses the thread boundary.
    this.calls.push({
      endpoint: record.endpoint,
      ok: record.ok,
      durationMs: record.durationMs,
      rateLimited: record.rateLimited,
    });
  }

  timing(name: string, ms: number): void {
    if (!(ms >= 0 && ms < Number.POSITIVE_INFINITY)) return;
    this.timings[name] ??= [];
    const list = this.timings[name];
    if (list.length >= MAX_PENDING_TIMINGS) this.count('timingsDropped');
    else list.push(ms);
  }

  start(): void {
    this.timer ??= this.clock.setInterval(() => this.flush(), this.intervalMs).unref();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  flush(): void {
    const calls = this.calls;
    const timings = this.timings;
    this.calls = [];
    this.timings = {};
    const withTimings = Object.keys(timings).length > 0 ? { timings } : {};
    this.post({ type: 'metrics', counters: { ...this.counters }, gauges: { ...this.gauges }, calls, ...withTimings });
  }
}
