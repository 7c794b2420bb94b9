// Supervisor side: keeps one window of every thread's runtime samples, API latencies, worker
// timings, scans, 429s, restarts and stream reconnects, and hands the rules a PerformanceFigures
// snapshot. Recording is O(1); the percentiles are computed when figures() is read.
import { type Clock, systemClock } from '../resilience/clock.js';
import type { RuntimeSample } from '../protocol/messages.js';
import type { EndpointFigures, PerformanceFigures, PoolFigures, ThreadFigures } from './performance-figures.js';
import { WindowedSamples, summarise, type SampleStats } from './windowed-samples.js';

export interface PerformanceCollectorOptions {
  /** SUGGESTION_WINDOW in ms: the span every figure covers. */
  readonly windowMs: number;
  readonly checkIntervalMs: number;
  readonly liveLoopMs: number;
  readonly clock?: Clock;
  /** Runtime samples kept per thread (default 600: ten minutes at one a second). */
  readonly maxSamplesPerThread?: number;
}

/** Counts events at times, for "how many in the window". */
class EventTimes {
  private times: number[] = [];

  add(at: number, count = 1): void {
    for (let i = 0; i < Math.min(count, 1000); i++) this.times.push(at);
  }

  countSince(from: number): number {
    this.times = this.times.filter((t) => t > from);
    return this.times.length;
  }
}

interface EndpointTrack {
  readonly latency: WindowedSamples;
  readonly byThread: Map<string, number>;
}

export class PerformanceCollector {
  readonly windowMs: number;
  private readonly clock: Clock;
  private readonly maxSamples: number;
  private readonly runtime = new Map<string, RuntimeSample[]>();
  private readonly firstSampleAt = new Map<string, number>();
  private readonly endpoints = new Map<string, EndpointTrack>();
  private readonly timings = new Map<string, WindowedSamples>();
  private readonly scans: WindowedSamples;
  private readonly rateLimited = new Map<string, EventTimes>();
  private readonly restarts = new Map<string, EventTimes>();
  private readonly reconnects = new Map<string, EventTimes>();
  private pool: PoolFigures | null = null;

  constructor(private readonly options: PerformanceCollectorOptions) {
    if (!(options.windowMs > 0))
      throw new RangeError(`PerformanceCollector: option "windowMs" must be positive, got ${options.windowMs}`);
    this.windowMs = options.windowMs;
    this.clock = options.clock ?? systemClock;
    this.maxSamples = options.maxSamplesPerThread ?? 600;
    this.scans = new WindowedSamples(this.windowMs, 1000);
  }

  /** A thread's sample; stamped on arrival with the supervisor's clock (thread clocks may differ). */
  recordRuntime(thread: string, sample: RuntimeSample): void {
    if (!this.firstSampleAt.has(thread)) this.firstSampleAt.set(thread, this.clock.now());
    let list = this.runtime.get(thread);
    if (!list) {
      list = [];
      this.runtime.set(thread, list);
    }
    list.push({ ...sample, at: this.clock.now() });
    if (list.length > this.maxSamples) list.splice(0, list.length - this.maxSamples);
  }

  recordApiCall(
    thread: string,
    call: { readonly endpoint: string; readonly durationMs: number; readonly rateLimited: boolean },
  ): void {
    const now = this.clock.now();
    let track = this.endpoints.get(call.endpoint);
    if (!track) {
      if (this.endpoints.size >= 64) return; // endpoint names come from a fixed table; a cap all the same
      track = { latency: new WindowedSamples(this.windowMs), byThread: new Map() };
      this.endpoints.set(call.endpoint, track);
    }
    track.latency.add(now, call.durationMs);
    track.byThread.set(thread, (track.byThread.get(thread) ?? 0) + 1);
    if (call.rateLimited) this.events(this.rateLimited, thread).add(now);
  }

  recordTiming(name: string, ms: number): void {
    let samples = this.timings.get(name);
    if (!samples) {
      if (this.timings.size >= 64) return;
      samples = new WindowedSamples(this.windowMs);
      this.timings.set(name, samples);
    }
    samples.add(this.clock.now(), ms);
  }

  recordScan(durationMs: number): void {
    this.scans.add(this.clock.now(), durationMs);
  }

  recordRestart(thread: string): void {
    // A new incarnation: a new heap, warming up again.
    this.firstSampleAt.delete(thread);
    this.events(this.restarts, thread).add(this.clock.now());
  }

  recordStreamReconnects(thread: string, count: number): void {
    if (Number.isInteger(count) && count > 0) this.events(this.reconnects, thread).add(this.clock.now(), count);
  }

  setPool(pool: PoolFigures): void {
    this.pool = pool;
  }

  /** Latest-window percentiles of one timing (the report's scan phases, reaction, order round trip). */
  timing(name: string): SampleStats {
    return this.timings.get(name)?.stats(this.clock.now()) ?? summarise([]);
  }

  figures(): PerformanceFigures {
    const now = this.clock.now();
    const from = now - this.windowMs;
    const threads: Record<string, ThreadFigures> = {};
    for (const [thread, list] of this.runtime) {
      const samples = list.filter((s) => s.at > from);
      if (samples.length > 0) threads[thread] = { samples, sinceMs: now - (this.firstSampleAt.get(thread) ?? now) };
    }
    const endpoints: Record<string, EndpointFigures> = {};
    for (const [endpoint, track] of this.endpoints) {
      const stats = track.latency.stats(now);
      if (stats.count === 0) continue;
      let thread = 'unknown';
      let most = -1;
      for (const [t, n] of track.byThread) if (n > most) [thread, most] = [t, n];
      endpoints[endpoint] = { ...stats, thread };
    }
    const timings: Record<string, SampleStats> = {};
    for (const [name, samples] of this.timings) timings[name] = samples.stats(now);
    return {
      now,
      windowMs: this.windowMs,
      threads,
      endpoints,
      timings,
      scans: this.scans.stats(now),
      checkIntervalMs: this.options.checkIntervalMs,
      liveLoopMs: this.options.liveLoopMs,
      rateLimited: counts(this.rateLimited, from),
      restarts: counts(this.restarts, from),
      streamReconnects: counts(this.reconnects, from),
      pool: this.pool,
    };
  }

  /** The latest sample of every thread that reported one (for /health's threads.<name>.runtime). */
  latestSamples(): ReadonlyMap<string, readonly RuntimeSample[]> {
    return this.runtime;
  }

  private events(map: Map<string, EventTimes>, thread: string): EventTimes {
    let e = map.get(thread);
    if (!e) {
      e = new EventTimes();
      map.set(thread, e);
    }
    return e;
  }
}

function counts(map: Map<string, EventTimes>, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [thread, e] of map) {
    const n = e.countSince(from);
    if (n > 0) out[thread] = n;
  }
  return out;
}
