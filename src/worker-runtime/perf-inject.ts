// PERF_INJECT (paper mode only): deliberate load added before every loop step of one worker, so the
// always-on figures and the suggestion rules can be shown and tested end to end. `block` busy-loops
// the event loop; `leak` retains heap memory for good. Both stop at `untilMs` after start.
import { busyLoop } from './stall-inject.js';
import { type Clock, systemClock } from '../resilience/clock.js';

export interface PerfInjectPlan {
  readonly blockMs: number;
  readonly leakMb: number;
  /** Ms after start when the injection stops; null = never. */
  readonly untilMs: number | null;
}

/** Doubles per MB: a packed double array keeps them unboxed on the V8 heap, 8 bytes each. */
const DOUBLES_PER_MB = (1024 * 1024) / 8;

export class PerfInjector {
  private readonly retained: number[][] = [];
  private readonly startedAt: number;

  constructor(
    private readonly plan: PerfInjectPlan,
    private readonly clock: Clock = systemClock,
  ) {
    this.startedAt = clock.monotonic();
  }

  get active(): boolean {
    return this.plan.untilMs === null || this.clock.monotonic() - this.startedAt < this.plan.untilMs;
  }

  /** MB retained so far. */
  get leakedMb(): number {
    return this.retained.length * this.plan.leakMb;
  }

  /** Called before each loop step: adds the planned load while the injection lasts. */
  beforeStep(): void {
    if (!this.active) return;
    if (this.plan.blockMs > 0) busyLoop(this.plan.blockMs);
    if (this.plan.leakMb > 0)
      this.retained.push(new Array<number>(Math.round(this.plan.leakMb * DOUBLES_PER_MB)).fill(0.5));
  }
}
