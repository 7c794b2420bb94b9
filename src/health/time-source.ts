// Time as a dependency for the health code: a wall-clock reading and interval timers, both
// injectable so tests drive them with a fake clock instead of sleeping.

/** Anything that reads the time in epoch milliseconds (the resilience `Clock` satisfies it). */
export interface NowClock {
  now(): number;
}

/** An opaque interval handle; Node's Timeout and sinon's fake timers both fit. */
export interface IntervalHandle {
  unref?(): unknown;
}

export interface IntervalTimers {
  setInterval(callback: () => void, ms: number): IntervalHandle;
  clearInterval(handle: IntervalHandle): void;
}

/** Date.now looked up at call time, so `sinon.useFakeTimers` installed later still controls it. */
export const wallClock: NowClock = { now: () => Date.now() };

/** The global timers, looked up at call time for the same reason. */
export const globalIntervalTimers: IntervalTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};
