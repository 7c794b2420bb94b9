// Test helpers: a clock whose sleeps complete at once but advance "now" and are recorded, and a
// seeded random source, so delay schedules can be asserted without waiting.
import type { Clock } from '../../src/resilience/clock.js';
import { mulberry32 } from '../../src/simulator/rng.js';

export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(public time = 0) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** A tiny deterministic PRNG returning floats in [0, 1) (the simulator's own). */
export const seededRandom = mulberry32;
