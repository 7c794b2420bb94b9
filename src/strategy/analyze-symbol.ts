// The whole per-symbol analysis the piscina task runs: validate, compute, score, place the stop and
// target. Pure and deterministic: same input, same output, no clock, no I/O.

import { computeIndicators, requiredCandles } from './compute-indicators.js';
import { scoreSignal } from './score-signal.js';
import type { IndicatorSnapshot, IndicatorTaskInput, SignalResult } from './signal-types.js';
import { resolveStrategyParams, type StrategyParams } from './strategy-params.js';
import { validateKlines } from './validate-klines.js';

const EMPTY_INDICATORS: Readonly<IndicatorSnapshot> = Object.freeze({
  rsi: Number.NaN,
  macd: Number.NaN,
  macdSignal: Number.NaN,
  macdHistogram: Number.NaN,
  bbUpper: Number.NaN,
  bbMiddle: Number.NaN,
  bbLower: Number.NaN,
  stochK: Number.NaN,
  stochD: Number.NaN,
  atr: Number.NaN,
  volumeRatio: Number.NaN,
});

/**
 * `params` (already resolved) wins over `input.params` (a partial override the scanner may send);
 * without either the defaults apply. Invalid parameters throw: they are a configuration bug.
 */
export function analyzeSymbol(input: IndicatorTaskInput, params?: StrategyParams): SignalResult {
  const p = params ?? resolveStrategyParams(input.params ?? {});
  const symbol = typeof input.symbol === 'string' ? input.symbol : String(input.symbol);
  const reject = (
    reason: string,
    price = Number.NaN,
    indicators: IndicatorSnapshot = { ...EMPTY_INDICATORS },
  ): SignalResult => ({ symbol, side: 'none', confidence: 0, price, indicators, reasons: [reason] });

  if (symbol.length === 0) return reject('symbol is empty');
  const check = validateKlines(input.klines);
  if (!check.ok) return reject(`invalid klines: ${check.reason}`);
  const klines = input.klines;
  const needed = requiredCandles(p);
  const lastKline = klines[klines.length - 1];
  if (lastKline === undefined || klines.length < needed) {
    return reject(`too few candles: ${klines.length} < ${needed}`, lastKline?.close ?? Number.NaN);
  }

  const price = lastKline.close;
  const indicators = computeIndicators(klines, p);
  const score = scoreSignal(indicators, price, p);
  if (score.side === 'none') {
    return { symbol, side: 'none', confidence: 0, price, atr: indicators.atr, indicators, reasons: score.reasons };
  }

  // Stop k ATRs beyond the entry; target at rewardRisk times that distance on the other side.
  const stopDistance = p.atrStopMultiplier * indicators.atr;
  const dir = score.side === 'long' ? 1 : -1;
  const stopPrice = price - dir * stopDistance;
  const takeProfitPrice = price + dir * p.rewardRisk * stopDistance;
  if (!(stopPrice > 0) || !(takeProfitPrice > 0)) {
    return {
      symbol,
      side: 'none',
      confidence: 0,
      price,
      atr: indicators.atr,
      indicators,
      reasons: [
        `stop ${stopPrice} or target ${takeProfitPrice} is not a positive price (ATR ${indicators.atr} too large)`,
        ...score.reasons,
      ],
    };
  }
  return {
    symbol,
    side: score.side,
    confidence: score.confidence,
    price,
    stopPrice,
    takeProfitPrice,
    atr: indicators.atr,
    indicators,
    reasons: score.reasons,
  };
}
