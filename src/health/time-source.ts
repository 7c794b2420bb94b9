// Time as a dependency for the health code: a wall-clock reading and interval timers, both
// injectable so tests drive them with a fake clock instead of sleeping.

import { systemClock, type NowClock } from '../resilience/clock.js';

export type { NowClock } from '../resilience/clock.js';

/** An opaque interval handle; Node's Timeout and sinon's fake timers both fit. */
export interface IntervalHandle {
  unref?(): unknown;
}

export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): IntervalHandle;
  clearInterval(handle: IntervalHandle): void;
  /**
   * Runs `callback` once the messages already queued are handled (setImmediate: after the poll
   * phase). A judge of heartbeats must defer to it: when the main thread itself was busy, its timer
   * fires before the heartbeats that waited in the queue meanwhile, and would call them missing.
   * Absent: the callback runs at once.
   */
  defer?(callback: () => void): void;
}

/** Date.now looked up at call time, so `sinon.useFakeTimers` installed later still controls it. */
export const wallClock: NowClock = systemClock;

/** The global timers, looked up at call time for the same reason. */
export const globalIntervalTimers: IntervalTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  defer: (callback) => void setImmediate(callback),
};
