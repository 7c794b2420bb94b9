// Realised PnL of a closed trade from its fills, the same arithmetic the exchange uses for a linear
// USDT contract: (exit - entry) x lots x multiplier x (+1 long, -1 short), minus every fee paid on
// the way in and out. Net of fees, like KuCoin's realisedPnl (funding is not included here).
import type { PositionSide } from '../store/index.js';

export interface TradePnlInput {
  readonly side: PositionSide;
  readonly entryPrice: number;
  readonly exitPrice: number;
  /** Lots closed. */
  readonly size: number;
  readonly multiplier: number;
  readonly entryFees: number;
  readonly exitFees: number;
}

export interface TradePnl {
  readonly gross: number;
  readonly fees: number;
  readonly net: number;
}

export function tradePnl(i: TradePnlInput): TradePnl {
  for (const [k, v] of Object.entries(i)) {
    if (k !== 'side' && (typeof v !== 'number' || !Number.isFinite(v)))
      throw new RangeError(`tradePnl: ${k} must be finite, got ${String(v)}`);
  }
  const sign = i.side === 'long' ? 1 : -1;
  const gross = (i.exitPrice - i.entryPrice) * i.size * i.multiplier * sign;
  const fees = i.entryFees + i.exitFees;
  return { gross, fees, net: gross - fees };
}
