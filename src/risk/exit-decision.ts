// What the position monitor does with the latest mark: close at the stop, close at the target, or
// hold. The stop is checked first, so a mark that somehow satisfies both (a crossed stop and target
// after a bad update) closes as a stop, the conservative reading.

import type { Side } from '../strategy/signal-types.js';

export type ExitAction = 'stop' | 'take-profit' | 'hold';

export interface ExitInput {
  side: Side;
  mark: number;
  stop: number;
  /** Omitted when the position has no target (trailing only). */
  takeProfit?: number;
}

/** Throws on a non-finite or non-positive mark, stop or target: a NaN price is a bug, not a "hold". */
export function exitDecision(input: ExitInput): ExitAction {
  const { side, mark, stop, takeProfit } = input;
  for (const [name, v] of [
    ['mark', mark],
    ['stop', stop],
    ['takeProfit', takeProfit],
  ] as const) {
    if (v === undefined && name === 'takeProfit') continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new RangeError(`${name} must be a positive finite number, got ${String(v)}`);
    }
  }
  switch (side) {
    case 'long':
      if (mark <= stop) return 'stop';
      if (takeProfit !== undefined && mark >= takeProfit) return 'take-profit';
      return 'hold';
    case 'short':
      if (mark >= stop) return 'stop';
      if (takeProfit !== undefined && mark <= takeProfit) return 'take-profit';
      return 'hold';
    default: {
      const never: never = side;
      throw new RangeError(`side must be 'long' or 'short', got ${String(never)}`);
    }
  }
}
