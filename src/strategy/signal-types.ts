// Types shared by the scanner (main side of the piscina pool) and the indicator task (worker side).
// Everything here crosses a thread boundary by structured clone, so it is plain data only.

import type { StrategyParams } from './strategy-params.js';

/** One candle as KuCoin returns it (`[timeMs, open, high, low, close, volume]`), named. */
export interface Kline {
  /** Candle open time, epoch milliseconds. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export type Side = 'long' | 'short';

/** What the scanner sends to the piscina task for one symbol. */
export interface IndicatorTaskInput {
  symbol: string;
  /** Oldest first. */
  klines: Kline[];
  params?: Partial<StrategyParams>;
}

/** Last value of every indicator the score was built from (NaN when it could not be computed). */
export interface IndicatorSnapshot {
  rsi: number;
  macd: number;
  macdSignal: number;
  macdHistogram: number;
  bbUpper: number;
  bbMiddle: number;
  bbLower: number;
  stochK: number;
  stochD: number;
  atr: number;
  volumeRatio: number;
}

/** What the piscina task returns for one symbol. */
export interface SignalResult {
  symbol: string;
  side: Side | 'none';
  /** Score in [0, 1]; 0 whenever side is 'none'. */
  confidence: number;
  /** Last close (the reference entry price); NaN when the klines were rejected. */
  price: number;
  stopPrice?: number;
  takeProfitPrice?: number;
  atr?: number;
  indicators: IndicatorSnapshot;
  /** Human-readable reasons for the decision (which components scored, or why 'none'). */
  reasons: string[];
}
