// The main loop every long-lived worker runs: one `step` at a time, progress advanced after each
// completed step, an interruptible pause between steps, and a clean exit after the current step
// once shutdown is requested. A step that throws ends the loop (the worker then crashes, and the
// supervisor restarts it): loops catch the failures they expect and let the rest escape.
import { type Clock, systemClock } from '../resilience/clock.js';

export interface WorkerLoop {
  /** Pause between the end of one step and the start of the next. */
  readonly intervalMs: number;
  /** One unit of work (a scan, a position check, ...). */
  step(signal: AbortSignal): Promise<void>;
  /** Flush and release resources after the last step. */
  close?(): Promise<void> | void;
}

export interface LoopRunOptions {
  readonly signal: AbortSignal;
  /** Called after each completed step: the only place the progress counter advances. */
  readonly onStepDone: () => void;
  /** Times the pause between steps. Default systemClock. */
  readonly clock?: Clock;
}

export async function runWorkerLoop(loop: WorkerLoop, options: LoopRunOptions): Promise<void> {
  const { signal } = options;
  while (!signal.aborted) {
    await loop.step(signal);
    options.onStepDone();
    if (signal.aborted) break;
    await pause(options.clock ?? systemClock, loop.intervalMs, signal);
  }
}

/** The pause between steps; shutdown (the signal) ends it early and is not an error here. */
async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}
