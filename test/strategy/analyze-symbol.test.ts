import { expect } from 'chai';
import { analyzeSymbol } from '../../src/strategy/analyze-symbol.js';
import { requiredCandles } from '../../src/strategy/compute-indicators.js';
import type { Kline } from '../../src/strategy/signal-types.js';
import { DEFAULT_STRATEGY_PARAMS, resolveStrategyParams } from '../../src/strategy/strategy-params.js';
import { flatSeries, klinesFromCloses, tinyNoiseSeries, trendWithPullback } from './fixtures/synthetic-klines.js';

// 120 candles: +0.4 % a candle, a 5-candle pullback at -0.5 % from candle 100, then the trend resumes.
const uptrend = (): Kline[] =>
  trendWithPullback({ drift: 0.004, pullbackFrom: 100, pullbackLen: 5, pullbackDrift: -0.005 });
const downtrend = (): Kline[] =>
  trendWithPullback({ drift: -0.004, pullbackFrom: 100, pullbackLen: 5, pullbackDrift: 0.005 });

describe('analyzeSymbol', () => {
  it('scores a steady uptrend with a pullback as a long above 0.5 confidence', () => {
    const klines = uptrend();
    const r = analyzeSymbol({ symbol: 'XBTUSDTM', klines });
    expect(r.side).to.equal('long');
    expect(r.confidence).to.be.greaterThan(0.5).and.at.most(1);
    expect(r.price).to.equal(klines[klines.length - 1]?.close);
    expect(r.indicators.macd).to.be.greaterThan(0);
    // Last candle trades 150; its baseline is the 20 candles before it (99..118), of which 117 and
    // 118 traded 150: (18 x 100 + 2 x 150) / 20 = 105, so the ratio is 150 / 105.
    expect(r.indicators.volumeRatio).to.be.closeTo(150 / 105, 1e-12);
  });

  it('places the stop atrStopMultiplier ATRs below a long entry and the target rewardRisk times further above', () => {
    const r = analyzeSymbol({ symbol: 'XBTUSDTM', klines: uptrend() });
    const atr = r.atr as number;
    expect(atr).to.be.greaterThan(0);
    // defaults: stop = price - 2 ATR, target = price + 2 x (2 ATR) = price + 4 ATR
    expect(r.stopPrice).to.be.closeTo(r.price - 2 * atr, 1e-9);
    expect(r.takeProfitPrice).to.be.closeTo(r.price + 4 * atr, 1e-9);
  });

  it('scores the mirrored downtrend as a short with the stop above and the target below', () => {
    const r = analyzeSymbol({ symbol: 'ETHUSDTM', klines: downtrend() });
    expect(r.side).to.equal('short');
    expect(r.confidence).to.be.greaterThan(0.5);
    const atr = r.atr as number;
    expect(r.stopPrice).to.be.closeTo(r.price + 2 * atr, 1e-9);
    expect(r.takeProfitPrice).to.be.closeTo(r.price - 4 * atr, 1e-9);
  });

  it('honours parameter overrides sent with the task (stop multiplier and R multiple)', () => {
    const r = analyzeSymbol({ symbol: 'X', klines: uptrend(), params: { atrStopMultiplier: 1, rewardRisk: 3 } });
    const atr = r.atr as number;
    expect(r.stopPrice).to.be.closeTo(r.price - atr, 1e-9);
    expect(r.takeProfitPrice).to.be.closeTo(r.price + 3 * atr, 1e-9);
  });

  it('returns none for a perfectly flat series (zero ATR)', () => {
    const r = analyzeSymbol({ symbol: 'FLAT', klines: flatSeries() });
    expect(r.side).to.equal('none');
    expect(r.confidence).to.equal(0);
    expect(r.stopPrice).to.equal(undefined);
    expect(r.reasons.join(' ')).to.match(/no volatility|no trend/);
  });

  it('returns none for a tiny-noise series with no drift', () => {
    const r = analyzeSymbol({ symbol: 'NOISE', klines: tinyNoiseSeries() });
    expect(r.side).to.equal('none');
    expect(r.confidence).to.equal(0);
    expect(r.reasons[0]).to.match(/no trend/);
  });

  it('is deterministic: the same input gives a deep-equal result', () => {
    const a = analyzeSymbol({ symbol: 'X', klines: uptrend() });
    const b = analyzeSymbol({ symbol: 'X', klines: uptrend() });
    expect(a).to.deep.equal(b);
  });

  it('does not modify the klines it was given', () => {
    const klines = uptrend();
    const copy = structuredClone(klines);
    analyzeSymbol({ symbol: 'X', klines });
    expect(klines).to.deep.equal(copy);
  });

  it('rejects too few candles with a reason', () => {
    const needed = requiredCandles(DEFAULT_STRATEGY_PARAMS);
    const r = analyzeSymbol({ symbol: 'X', klines: uptrend().slice(0, needed - 1) });
    expect(r.side).to.equal('none');
    expect(r.reasons[0]).to.equal(`too few candles: ${needed - 1} < ${needed}`);
  });

  it('accepts exactly the required number of candles', () => {
    const needed = requiredCandles(DEFAULT_STRATEGY_PARAMS);
    const r = analyzeSymbol({ symbol: 'X', klines: uptrend().slice(-needed) });
    expect(r.reasons[0]).to.not.match(/too few/);
    expect(Number.isFinite(r.indicators.stochD)).to.equal(true);
  });

  it('uses minCandles from the params when it is the binding requirement', () => {
    const r = analyzeSymbol({ symbol: 'X', klines: uptrend(), params: { minCandles: 200 } });
    expect(r.reasons[0]).to.equal('too few candles: 120 < 200');
  });

  it('rejects an empty symbol and an empty kline list', () => {
    expect(analyzeSymbol({ symbol: '', klines: uptrend() }).reasons[0]).to.equal('symbol is empty');
    expect(analyzeSymbol({ symbol: 'X', klines: [] }).reasons[0]).to.match(/too few candles: 0/);
  });

  const poison: Array<[string, (k: Kline) => void, RegExp]> = [
    [
      'NaN close',
      (k) => {
        k.close = Number.NaN;
      },
      /kline\[50\]\.close must be a positive finite number, got NaN/,
    ],
    [
      'Infinity high',
      (k) => {
        k.high = Number.POSITIVE_INFINITY;
      },
      /kline\[50\]\.high .* got Infinity/,
    ],
    [
      'negative low',
      (k) => {
        k.low = -1;
      },
      /kline\[50\]\.low .* got -1/,
    ],
    [
      'zero open',
      (k) => {
        k.open = 0;
      },
      /kline\[50\]\.open .* got 0/,
    ],
    [
      'negative volume',
      (k) => {
        k.volume = -5;
      },
      /kline\[50\]\.volume must be a finite number >= 0, got -5/,
    ],
    [
      'NaN volume',
      (k) => {
        k.volume = Number.NaN;
      },
      /kline\[50\]\.volume .* got NaN/,
    ],
    [
      'string close',
      (k) => {
        (k as unknown as Record<string, unknown>)['close'] = '101';
      },
      /kline\[50\]\.close .* got 101/,
    ],
    [
      'high below low',
      (k) => {
        k.high = k.low * 0.5;
      },
      /kline\[50\] is inconsistent/,
    ],
    [
      'time going backwards',
      (k) => {
        k.time = 0;
      },
      /kline\[50\]\.time 0 is not after the previous candle/,
    ],
    [
      'NaN time',
      (k) => {
        k.time = Number.NaN;
      },
      /kline\[50\]\.time must be a finite number, got NaN/,
    ],
  ];
  for (const [name, mutate, reason] of poison) {
    it(`rejects a series with a ${name} (side none, reason names the field)`, () => {
      const klines = uptrend();
      mutate(klines[50] as Kline);
      const r = analyzeSymbol({ symbol: 'X', klines });
      expect(r.side).to.equal('none');
      expect(r.confidence).to.equal(0);
      expect(r.reasons[0]).to.match(reason);
    });
  }

  it('accepts a zero-volume candle (quiet contracts have them)', () => {
    const klines = uptrend();
    (klines[50] as Kline).volume = 0;
    expect(analyzeSymbol({ symbol: 'X', klines }).side).to.equal('long');
  });

  it('rejects a non-array klines value from an untyped caller', () => {
    const r = analyzeSymbol({ symbol: 'X', klines: null as unknown as Kline[] });
    expect(r.reasons[0]).to.equal('invalid klines: klines is not an array');
  });

  it('returns none when the ATR stop would be at or below zero', () => {
    // A violent rise from 1 to ~8: ATR is large against the last price, and a 50-ATR stop is negative.
    const closes = Array.from({ length: 120 }, (_, i) => 1 + i * i * 0.0005);
    const r = analyzeSymbol({ symbol: 'X', klines: klinesFromCloses(closes), params: { atrStopMultiplier: 5000 } });
    expect(r.side).to.equal('none');
    expect(r.reasons[0]).to.match(/not a positive price/);
  });

  it('throws on invalid strategy parameters (a configuration bug, not a market condition)', () => {
    expect(() => analyzeSymbol({ symbol: 'X', klines: uptrend(), params: { rsiPeriod: 0 } })).to.throw(
      RangeError,
      /rsiPeriod/,
    );
    expect(() => resolveStrategyParams({ macdFast: 30 })).to.throw(RangeError, /macdFast/);
  });
});
