// Clocks built from the system clock for tests against real sockets and threads: `instantClock`
// sleeps return at once (code under test backs off between attempts, the test need not wait that
// out); `clockReading` keeps a base clock's timers but reads "now" from the test (a frozen or
// skewed wall clock, the simulator's time).
import { type Clock, abortReason, systemClock } from '../../src/resilience/clock.js';

export const instantClock: Clock = {
  ...systemClock,
  sleep: (_ms, signal) => (signal?.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve()),
};

/** `base` (default the real system clock) with wall time read from `now`. */
export function clockReading(now: () => number, base: Clock = systemClock): Clock {
  return { ...base, now };
}
