// The seeded schedule of a chaos run: which worker each bot incarnation stalls and when, which
// CHAOS_HOOK signals it gets and when, and when the incarnation is SIGKILLed. The same seed gives the same schedule (the fault dice are seeded in
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
  /** CHAOS_HOOK signals: SIGUSR2 stalls, SIGUSR1 crashes the bot's next worker in rotation. */
  readonly hooks: readonly ChaosHook[];
}

export interface ChaosHook {
  /** Seconds after the incarnation reported in. */
  readonly atS: number;
  readonly signal: 'SIGUSR1' | 'SIGUSR2';
}

/** Seconds a hooked fault gets to be detected and its restart recorded before the bot may be killed. */
export const HOOK_SETTLE_S = 7;

/** `durationS` of chaos split over one incarnation per worker; every one but the last is SIGKILLed. */
export function chaosPlan(seed: number, durationS: number): Incarnation[] {
  const rng = mulberry32(seed);
  const first = Math.floor(rng() * CHAOS_WORKERS.length);
  const n = CHAOS_WORKERS.length;
  const base = durationS / n;
  const crashOffset = Math.floor(rng() * 3);
  // Each life is at least long enough to see its stall detected and the worker replaced.
  const minLife = 16;
  return Array.from({ length: n }, (_, i) => {
    const stallAfterS = Math.round((3 + rng() * 5) * 10) / 10;
    let lifeS = Math.max(minLife, Math.round(base * (0.8 + rng() * 0.4)));
    // Three hooks after the STALL_INJECT stall has been handled, spaced well beyond the restart
    // backoff (100-200 ms here), each with time to be detected and recorded before the kill. The
    // bot hits its workers in a fixed rotation (scanner, position-monitor, order-executor), so the
    // hook's position picks the worker: the crash moves one place per incarnation, so that every
    // worker is crashed once in a run; one other hook stalls, the third is a coin toss.
    const hooks: ChaosHook[] = [];
    let atS = stallAfterS + 6 + rng() * 2;
    const crashAt = (crashOffset + i) % 3;
    for (let k = 0; k < 3; k++) {
      const signal =
        k === crashAt ? 'SIGUSR1' : k === (crashAt + 1) % 3 ? 'SIGUSR2' : rng() < 0.5 ? 'SIGUSR1' : 'SIGUSR2';
      hooks.push({ atS: Math.round(atS * 10) / 10, signal });
      atS += 4 + rng() * 2;
    }
    lifeS = Math.max(lifeS, Math.ceil(hooks[hooks.length - 1]!.atS + HOOK_SETTLE_S));
    return { index: i, stallWorker: CHAOS_WORKERS[(first + i) % n]!, stallAfterS, lifeS, killed: i < n - 1, hooks };
  });
}
