// STALL_INJECT: a deliberate fault for demos and deployment checks. The worker's event loop is
// blocked by a busy loop, exactly as a runaway computation would: no heartbeats, no messages,
// only `worker.terminate()` stops it.
export interface StallInjectPlan {
  readonly afterMs: number;
  readonly busyMs: number;
}

/** Arms the one-shot stall; returns a disarm function (used at shutdown). */
export function armStallInject(plan: StallInjectPlan, onStart?: () => void): () => void {
  const timer = setTimeout(() => {
    onStart?.();
    busyLoop(plan.busyMs);
  }, plan.afterMs);
  timer.unref();
  return () => clearTimeout(timer);
}

/** Blocks the calling thread's event loop for `busyMs`: the fault being injected. */
export function busyLoop(busyMs: number): void {
  const until = performance.now() + busyMs;
  while (performance.now() < until) {
    // Spin on purpose.
  }
}
