// Trailing stop for the position monitor. The stop follows the best price seen since entry (the
// high-water mark for a long, the low-water mark for a short) at `trailingPct` behind it, rounded to
// the tick AWAY from the water mark (down for a long, up for a short) so it never sits closer than
// asked, and it only ever tightens: the result is never looser than `currentStop`.
// Trailing starts once the water mark is beyond the entry (the position has been in profit); until
// then the initial ATR stop stands.

import type { Side } from '../strategy/signal-types.js';
import { roundToTick } from './step-rounding.js';

export interface TrailingStopInput {
  side: Side;
  entry: number;
  /** Highest price since entry; required for a long. */
  highWater?: number;
  /** Lowest price since entry; required for a short. */
  lowWater?: number;
  currentStop: number;
  /** Distance behind the water mark as a fraction, e.g. 0.01 = 1 %. */
  trailingPct: number;
  tickSize: number;
}

function requirePositive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`${name} must be a positive finite number, got ${String(v)}`);
  }
  return v;
}

/** The new stop price (equal to currentStop when trailing does not tighten it). Throws on invalid input. */
export function trailingStop(input: TrailingStopInput): number {
  const entry = requirePositive('entry', input.entry);
  const currentStop = requirePositive('currentStop', input.currentStop);
  const tick = requirePositive('tickSize', input.tickSize);
  const pct = input.trailingPct;
  if (!Number.isFinite(pct) || pct <= 0 || pct >= 1) {
    throw new RangeError(`trailingPct must be a fraction in (0, 1), got ${pct}`);
  }
  switch (input.side) {
    case 'long': {
      const high = requirePositive('highWater', input.highWater);
      if (high <= entry) return currentStop;
      const candidate = roundToTick(high * (1 - pct), tick, 'down');
      return Math.max(currentStop, candidate);
    }
    case 'short': {
      const low = requirePositive('lowWater', input.lowWater);
      if (low >= entry) return currentStop;
      const candidate = roundToTick(low * (1 + pct), tick, 'up');
      return Math.min(currentStop, candidate);
    }
    default: {
      const never: never = input.side;
      throw new RangeError(`side must be 'long' or 'short', got ${String(never)}`);
    }
  }
}
