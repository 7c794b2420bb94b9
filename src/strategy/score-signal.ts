// Turns an indicator snapshot into a side and a confidence. Trend-following by design:
//
// 1. Trend gate. t = MACD line / ATR (the MACD line is the fast-minus-slow EMA gap, in price units;
//    dividing by ATR makes it comparable across contracts). |t| < minTrendStrength: no trend, 'none'.
//    Otherwise the side is the sign of t (long above zero, short below).
// 2. Every component is a number in [-1, 1] in BULLISH terms, then multiplied by the side's
//    direction (+1 long, -1 short), so it scores how much that component agrees with the trade:
//      trend      0.30  min(|t|, 1)                     a MACD gap of one ATR or more is full strength
//      macdHist   0.15  clamp(histogram / (0.25 ATR))   acceleration: is momentum building or fading
//      bollinger  0.15  clamp(2 %B - 1)                 where the close sits in the bands
//      rsi        0.20  (RSI - 50) / 20 up to 70, then fading to 0 at 85 (mirrored below 50):
//                       momentum counts, an overbought (oversold) reading does not
//      stochastic 0.10  half (K - D) / 10, half (K - 50) / 30, each clamped
//      volume     0.10  clamp(volumeRatio - 1, 0, 1)    participation; it has no direction, so it
//                                                      only ever adds to the side already chosen
// 3. confidence = sum of weight x aligned component (weights sum to 1, so full agreement is 1).
//    A sum <= 0 means the other indicators outvote the trend: 'none'.

import type { IndicatorSnapshot, Side } from './signal-types.js';
import type { StrategyParams } from './strategy-params.js';

export const SIGNAL_WEIGHTS = Object.freeze({
  trend: 0.3,
  macdHist: 0.15,
  bollinger: 0.15,
  rsi: 0.2,
  stochastic: 0.1,
  volume: 0.1,
});

export type SignalComponent = keyof typeof SIGNAL_WEIGHTS;

export interface SignalScore {
  side: Side | 'none';
  confidence: number;
  /** Each component's aligned value in [-1, 1] before weighting (empty when the gate said 'none'). */
  components: Partial<Record<SignalComponent, number>>;
  reasons: string[];
}

export function clamp(x: number, lo = -1, hi = 1): number {
  return Math.min(hi, Math.max(lo, x));
}

/** RSI in bullish terms: rising momentum scores, stretched readings fade back to neutral. */
export function rsiComponent(rsi: number): number {
  if (rsi < 50) return -rsiComponent(100 - rsi);
  if (rsi <= 70) return (rsi - 50) / 20;
  return Math.max(0, 1 - (rsi - 70) / 15);
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/** `close` is the latest close, the price the Bollinger position is measured at. */
export function scoreSignal(ind: IndicatorSnapshot, close: number, p: StrategyParams): SignalScore {
  const none = (reason: string): SignalScore => ({ side: 'none', confidence: 0, components: {}, reasons: [reason] });

  const { atr } = ind;
  if (!Number.isFinite(atr) || atr <= 0) return none(`no volatility: ATR ${fmt(atr)}`);
  const required: Array<keyof IndicatorSnapshot> = [
    'rsi',
    'macd',
    'macdHistogram',
    'bbUpper',
    'bbLower',
    'stochK',
    'stochD',
  ];
  for (const key of required) {
    if (!Number.isFinite(ind[key])) return none(`indicator ${key} unavailable (${fmt(ind[key])})`);
  }

  const t = ind.macd / atr;
  if (Math.abs(t) < p.minTrendStrength) {
    return none(`no trend: |MACD|/ATR ${fmt(Math.abs(t))} < ${p.minTrendStrength}`);
  }
  const dir = t > 0 ? 1 : -1;
  const side: Side = dir > 0 ? 'long' : 'short';

  const width = ind.bbUpper - ind.bbLower;
  // Zero-width bands (a perfectly flat window) say nothing about position.
  const percentB = width > 0 ? (close - ind.bbLower) / width : 0.5;

  const components: Record<SignalComponent, number> = {
    trend: Math.min(Math.abs(t), 1),
    macdHist: dir * clamp(ind.macdHistogram / (0.25 * atr)),
    bollinger: dir * clamp(2 * percentB - 1),
    rsi: dir * rsiComponent(ind.rsi),
    stochastic: dir * (0.5 * clamp((ind.stochK - ind.stochD) / 10) + 0.5 * clamp((ind.stochK - 50) / 30)),
    volume: Number.isFinite(ind.volumeRatio) ? clamp(ind.volumeRatio - 1, 0, 1) : 0,
  };

  let score = 0;
  for (const key of Object.keys(SIGNAL_WEIGHTS) as SignalComponent[]) {
    score += SIGNAL_WEIGHTS[key] * components[key];
  }
  const reasons = (Object.keys(components) as SignalComponent[]).map(
    (key) => `${key} ${fmt(components[key])} x ${SIGNAL_WEIGHTS[key]}`,
  );
  if (score <= 0) {
    return {
      side: 'none',
      confidence: 0,
      components,
      reasons: [`indicators outvote the ${side} trend (score ${fmt(score)})`, ...reasons],
    };
  }
  return {
    side,
    confidence: clamp(score, 0, 1),
    components,
    reasons: [`${side}: trend |MACD|/ATR ${fmt(Math.abs(t))}, score ${fmt(score)}`, ...reasons],
  };
}
