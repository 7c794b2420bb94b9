// A clock whose sleeps complete at once but advance "now" (firing any timer due on the way) and are
// recorded, and a seeded random source, so delay schedules can be asserted without waiting.
import { abortReason } from '../../src/resilience/clock.js';
import { mulberry32 } from '../../src/simulator/rng.js';
import { ManualClock } from './manual-clock.js';

export class RecordingClock extends ManualClock {
  readonly sleeps: number[] = [];

  constructor(time = 0) {
    super(time);
  }

  /** The current time (alias of `t`, kept for the resilience tests' vocabulary). */
  get time(): number {
    return this.t;
  }

  set time(ms: number) {
    this.t = ms;
  }

  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortReason(signal);
    this.sleeps.push(ms);
    this.advance(Math.max(0, ms));
  }
}

/** A tiny deterministic PRNG returning floats in [0, 1) (the simulator's own). */
export const seededRandom = mulberry32;
