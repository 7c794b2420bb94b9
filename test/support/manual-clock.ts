// The one fake Clock for tests: time moves only when the test says so (advance/set), and timers,
// intervals and sleeps fire in due order as it moves. Deferred callbacks run on the next
// advance (the fake counterpart of "after the queued messages").
import type { Clock, TimerHandle } from '../../src/resilience/clock.js';
import { sleepOn } from '../../src/resilience/clock.js';

/** 2025-01-01T00:00:00Z, a fixed UTC midnight: the default start. */
const DEFAULT_START = Date.UTC(2025, 0, 1, 0, 0, 0);

interface Pending {
  readonly id: number;
  due: number;
  readonly every: number | null;
  readonly callback: () => void;
}

export class ManualClock implements Clock {
  private readonly origin: number;
  private readonly timers = new Map<number, Pending>();
  private deferred: (() => void)[] = [];
  private nextId = 1;

  constructor(public t = DEFAULT_START) {
    this.origin = t;
  }

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.t - this.origin;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn((cb, delay) => this.setTimeout(cb, delay), ms, signal);
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.schedule(callback, ms, null);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.schedule(callback, ms, Math.max(1, ms));
  }

  defer(callback: () => void): void {
    this.deferred.push(callback);
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.runUntil(this.t + ms);
  }

  /** Moves time to `ms` (never backwards), firing timers due on the way. */
  set(ms: number): void {
    if (ms < this.t) throw new Error(`ManualClock.set: time may not go backwards (${ms} < ${this.t})`);
    this.runUntil(ms);
  }

  /** Runs the deferred callbacks queued so far (and those they queue). */
  private flushDeferred(): void {
    while (this.deferred.length > 0) {
      const batch = this.deferred;
      this.deferred = [];
      for (const callback of batch) callback();
    }
  }

  private schedule(callback: () => void, ms: number, every: number | null): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.t + Math.max(0, ms), every, callback });
    const handle: TimerHandle = {
      cancel: () => void this.timers.delete(id),
      unref: () => handle,
    };
    return handle;
  }

  private runUntil(end: number): void {
    this.flushDeferred();
    for (;;) {
      let next: Pending | undefined;
      for (const p of this.timers.values())
        if (p.due <= end && (!next || p.due < next.due || (p.due === next.due && p.id < next.id))) next = p;
      if (!next) break;
      this.t = Math.max(this.t, next.due);
      if (next.every === null) this.timers.delete(next.id);
      else next.due += next.every;
      next.callback();
      this.flushDeferred();
    }
    this.t = end;
  }
}
