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
}

/** Date.now looked up at call time, so `sinon.useFakeTimers` installed later still controls it. */
export const wallClock: NowClock = systemClock;

/** The global timers, looked up at call time for the same reason. */
export const globalIntervalTimers: IntervalTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};
