// STALL_INJECT: a deliberate fault for demos and deployment checks. The worker's event loop is
// blocked by a busy loop, exactly as a runaway computation would: no heartbeats, no messages,
// only `worker.terminate()` stops it.
import { type Clock, systemClock } from '../resilience/clock.js';

export interface StallInjectPlan {
  readonly afterMs: number;
  readonly busyMs: number;
}

/** Arms the one-shot stall; returns a disarm function (used at shutdown). */
export function armStallInject(plan: StallInjectPlan, onStart?: () => void, clock: Clock = systemClock): () => void {
  const timer = clock
    .setTimeout(() => {
      onStart?.();
      busyLoop(plan.busyMs);
    }, plan.afterMs)
    .unref();
  return () => timer.cancel();
}

/**
 * Blocks the calling thread's event loop for `busyMs`: the fault being injected. Always real time
 * (systemClock): a busy loop must burn real CPU, and on a clock nobody moves it would never end.
 */
export function busyLoop(busyMs: number): void {
  const until = systemClock.monotonic() + busyMs;
  while (systemClock.monotonic() < until) {
    // Spin on purpose.
  }
}
