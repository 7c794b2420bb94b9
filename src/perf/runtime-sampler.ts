// Always-on runtime figures for the thread it runs in (supervisor, a worker, a pool thread):
// event-loop delay percentiles, event-loop utilisation, V8 heap used/limit and GC pause time from
// PerformanceObserver 'gc' entries. take() closes one interval and starts the next, so each sample
// covers exactly the time since the previous one.
//
// Event-loop delay is measured the way perf_hooks.monitorEventLoopDelay does it (the lateness of a
// timer that should fire every `resolutionMs`, into a native histogram), but with our own timer:
// monitorEventLoopDelay's reset() also forgets the previous tick, so a block that ends just before
// a reset was lost (seen: half the 150 ms blocks missed at a 50 ms period).
//
// Cost: the delay timer wakes the thread every `resolutionMs`;
// GC entries arrive a few times a minute; take() reads a histogram and heap statistics (µs). The
// timer dominates: measured on the 2-core bench machine, ~6 ms CPU per second per thread at 10 ms,
// ~3 at 20 ms, ~2 at 50 ms (npm run bench -- perf). 50 ms keeps five threads near 1 % of one core,
// and the resolution only sets how often the delay is sampled, not how precisely: a 150 ms block
// still reads as ~150 ms, and an idle loop as ~0.
import {
  PerformanceObserver,
  createHistogram,
  performance,
  type EventLoopUtilization,
  type RecordableHistogram,
} from 'node:perf_hooks';
import v8 from 'node:v8';
import type { RuntimeSample } from '../protocol/messages.js';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';

export interface RuntimeSamplerOptions {
  /** Event-loop delay sampling period in ms (default 50; Clinic Doctor samples at 10, see the cost note). */
  resolutionMs?: number;
  /**
   * Wall time for `at`, monotonic time and the timer whose lateness is the event-loop delay
   * (default systemClock: the delay measured is the real event loop's).
   */
  clock?: Clock;
}

export const DEFAULT_RESOLUTION_MS = 50;
const MB = 1024 * 1024;
const US_PER_MS = 1000;

export class RuntimeSampler {
  /** Timer lateness in µs (a RecordableHistogram takes integers >= 1). */
  private readonly delay: RecordableHistogram;
  private readonly delayTimer: TimerHandle;
  private lastTick: number;
  private readonly gcObserver: PerformanceObserver;
  private readonly clock: Clock;
  private readonly resolutionMs: number;
  private lastElu: EventLoopUtilization;
  private lastAt: number;
  private gcMs = 0;
  private closed = false;

  constructor(options: RuntimeSamplerOptions = {}) {
    const resolutionMs = options.resolutionMs ?? DEFAULT_RESOLUTION_MS;
    if (!(Number.isInteger(resolutionMs) && resolutionMs >= 1)) {
      throw new RangeError(`RuntimeSampler: option "resolutionMs" must be an integer >= 1, got ${resolutionMs}`);
    }
    this.resolutionMs = resolutionMs;
    const clock = options.clock ?? systemClock;
    this.clock = clock;
    this.delay = createHistogram();
    this.lastTick = clock.monotonic();
    this.delayTimer = clock.setInterval(() => {
      const now = clock.monotonic();
      const lateMs = now - this.lastTick - resolutionMs;
      this.lastTick = now;
      this.delay.record(Math.max(1, Math.round(lateMs * US_PER_MS)));
    }, resolutionMs);
    this.delayTimer.unref();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcMs += entry.duration;
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.lastElu = performance.eventLoopUtilization();
    this.lastAt = this.clock.now();
  }

  /** The figures since the previous take() (or construction), then starts a new interval. */
  take(): RuntimeSample {
    const at = this.clock.now();
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    const heap = v8.getHeapStatistics();
    const count = this.delay.count;
    const ms = (us: number): number => (count > 0 ? us / US_PER_MS : 0);
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
    this.delayTimer.cancel();
    this.gcObserver.disconnect();
  }
}
