// Always-on runtime figures for the thread it runs in (supervisor, a worker, a pool thread):
// event-loop delay percentiles from perf_hooks.monitorEventLoopDelay, event-loop utilisation, V8
// heap used/limit and GC pause time from PerformanceObserver 'gc' entries. take() closes one
// interval and starts the next, so each sample covers exactly the time since the previous one.
//
// Cost: the delay monitor is a libuv timer every `resolutionMs` recording into a native histogram;
// GC entries arrive a few times a minute; take() reads a histogram and heap statistics (µs).
import { PerformanceObserver, monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { RuntimeSample } from '../protocol/messages.js';

export interface RuntimeSamplerOptions {
  /** Event-loop delay sampling resolution in ms (default 10, as Clinic Doctor). */
  resolutionMs?: number;
  /** Epoch-ms clock for `at` (default Date.now). */
  now?: () => number;
}

const MB = 1024 * 1024;
const NS_PER_MS = 1e6;

export class RuntimeSampler {
  private readonly delay: IntervalHistogram;
  private readonly gcObserver: PerformanceObserver;
  private readonly now: () => number;
  private readonly resolutionMs: number;
  private lastElu: EventLoopUtilization;
  private lastAt: number;
  private gcMs = 0;
  private closed = false;

  constructor(options: RuntimeSamplerOptions = {}) {
    const resolutionMs = options.resolutionMs ?? 10;
    if (!(Number.isInteger(resolutionMs) && resolutionMs >= 1)) {
      throw new RangeError(`RuntimeSampler: option "resolutionMs" must be an integer >= 1, got ${resolutionMs}`);
    }
    this.resolutionMs = resolutionMs;
    this.now = options.now ?? Date.now;
    this.delay = monitorEventLoopDelay({ resolution: resolutionMs });
    this.delay.enable();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcMs += entry.duration;
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.lastElu = performance.eventLoopUtilization();
    this.lastAt = this.now();
  }

  /** The figures since the previous take() (or construction), then starts a new interval. */
  take(): RuntimeSample {
    const at = this.now();
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const heap = v8.getHeapStatistics();
    const count = this.delay.count;
    // The histogram records the delay on top of the resolution timer's own period.
    const ms = (ns: number): number => (count > 0 ? Math.max(0, ns / NS_PER_MS - this.resolutionMs) : 0);
    const sample: RuntimeSample = {
      at,
      intervalMs: Math.max(0, at - this.lastAt),
      eldP50Ms: ms(this.delay.percentile(50)),
      eldP99Ms: ms(this.delay.percentile(99)),
      eldMaxMs: ms(this.delay.max),
      elu: Math.min(1, Math.max(0, Number.isFinite(elu.utilization) ? elu.utilization : 0)),
      heapUsedMb: heap.used_heap_size / MB,
      heapLimitMb: heap.heap_size_limit / MB,
      gcMs: this.gcMs,
    };
    this.delay.reset();
    this.gcMs = 0;
    this.lastAt = at;
    return sample;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.delay.disable();
    this.gcObserver.disconnect();
  }
}
