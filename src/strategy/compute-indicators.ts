// All indicator maths comes from `technicalindicators`; this file only feeds it and picks the
// latest values. Nothing here is hand-rolled.

import { ATR, BollingerBands, MACD, RSI, SMA, Stochastic } from 'technicalindicators';
import type { IndicatorSnapshot, Kline } from './signal-types.js';
import type { StrategyParams } from './strategy-params.js';

/** Candles needed before every indicator has produced its latest value. */
export function requiredCandles(p: StrategyParams): number {
  return Math.max(
    p.minCandles,
    p.rsiPeriod + 1,
    p.macdSlow + p.macdSignal - 1,
    p.bbPeriod,
    p.stochPeriod + p.stochSignal - 1,
    p.atrPeriod + 1,
    // The volume baseline excludes the latest candle, so it needs one more.
    p.volumeSmaPeriod + 1,
  );
}

function last<T>(xs: readonly T[]): T | undefined {
  return xs.length > 0 ? xs[xs.length - 1] : undefined;
}

function num(v: number | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
}

/** Latest value of each indicator; NaN where the library produced nothing usable. */
export function computeIndicators(klines: readonly Kline[], p: StrategyParams): IndicatorSnapshot {
  const close = klines.map((k) => k.close);
  const high = klines.map((k) => k.high);
  const low = klines.map((k) => k.low);
  const volume = klines.map((k) => k.volume);

  const rsi = last(RSI.calculate({ period: p.rsiPeriod, values: close }));
  const macd = last(
    MACD.calculate({
      values: close,
      fastPeriod: p.macdFast,
      slowPeriod: p.macdSlow,
      signalPeriod: p.macdSignal,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    }),
  );
  const bb = last(BollingerBands.calculate({ period: p.bbPeriod, stdDev: p.bbStdDev, values: close }));
  const stoch = last(Stochastic.calculate({ period: p.stochPeriod, signalPeriod: p.stochSignal, high, low, close }));
  const atr = last(ATR.calculate({ period: p.atrPeriod, high, low, close }));

  // Volume ratio: the latest candle against the average of the candles before it, so a spike is
  // measured against its own baseline rather than diluting it.
  const baseline = last(SMA.calculate({ period: p.volumeSmaPeriod, values: volume.slice(0, -1) }));
  const lastVolume = last(volume);
  const volumeRatio =
    baseline !== undefined && baseline > 0 && lastVolume !== undefined ? lastVolume / baseline : Number.NaN;

  return {
    rsi: num(rsi),
    macd: num(macd?.MACD),
    macdSignal: num(macd?.signal),
    macdHistogram: num(macd?.histogram),
    bbUpper: num(bb?.upper),
    bbMiddle: num(bb?.middle),
    bbLower: num(bb?.lower),
    stochK: num(stoch?.k),
    stochD: num(stoch?.d),
    atr: num(atr),
    volumeRatio: num(volumeRatio),
  };
}
