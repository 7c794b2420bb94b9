// The seeded schedule of a chaos run: which worker each bot incarnation stalls and when, and when
// the incarnation is SIGKILLed. The same seed gives the same schedule (the fault dice are seeded in
// the simulator by SIM_SEED).
import { mulberry32 } from '../../../src/simulator/rng.js';

export const CHAOS_WORKERS = ['order-executor', 'position-monitor', 'scanner'] as const;
export type ChaosWorker = (typeof CHAOS_WORKERS)[number];

export interface Incarnation {
  readonly index: number;
  /** STALL_INJECT target: this worker busy-loops once, `stallAfterS` after it starts. */
  readonly stallWorker: ChaosWorker;
  readonly stallAfterS: number;
  /** Seconds this incarnation runs under faults before it is SIGKILLed (or, for the last, faults stop). */
  readonly lifeS: number;
  readonly killed: boolean;
}

/** `durationS` of chaos split over one incarnation per worker; every one but the last is SIGKILLed. */
export function chaosPlan(seed: number, durationS: number): Incarnation[] {
  const rng = mulberry32(seed);
  const first = Math.floor(rng() * CHAOS_WORKERS.length);
  const n = CHAOS_WORKERS.length;
  const base = durationS / n;
  // Each life is at least long enough to see its stall detected and the worker replaced.
  const minLife = 16;
  return Array.from({ length: n }, (_, i) => {
    const stallAfterS = Math.round((3 + rng() * 5) * 10) / 10;
    const lifeS = Math.max(minLife, Math.round(base * (0.8 + rng() * 0.4)));
    return { index: i, stallWorker: CHAOS_WORKERS[(first + i) % n]!, stallAfterS, lifeS, killed: i < n - 1 };
  });
}
