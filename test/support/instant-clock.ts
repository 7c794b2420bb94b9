// The system clock with sleeps that return at once: for tests against the real simulator whose
// code under test backs off between attempts, so they do not wait out real delays.
import { type Clock, abortReason, systemClock } from '../../src/resilience/clock.js';

export const instantClock: Clock = {
  ...systemClock,
  sleep: (_ms, signal) => (signal?.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve()),
};

/** instantClock reading "now" from another source (a test's variable, the simulator's time). */
export function clockReading(now: () => number): Clock {
  return { ...instantClock, now };
}
