// Checks the wiring into technicalindicators (which series goes where), not the library's maths.

import { expect } from 'chai';
import { computeIndicators } from '../../src/strategy/compute-indicators.js';
import type { Kline } from '../../src/strategy/signal-types.js';
import { DEFAULT_STRATEGY_PARAMS } from '../../src/strategy/strategy-params.js';
import { klinesFromCloses } from './fixtures/synthetic-klines.js';

const p = DEFAULT_STRATEGY_PARAMS;

describe('computeIndicators', () => {
  it('reads high, low and close from the right fields (constant 99-101 candles closing at 100)', () => {
    const klines: Kline[] = Array.from({ length: 80 }, (_, i) => ({
      time: i * 60_000,
      open: 100,
      high: 101,
      low: 99,
      close: 100,
      volume: i === 79 ? 300 : 100,
    }));
    const ind = computeIndicators(klines, p);
    expect(ind.atr).to.be.closeTo(2, 1e-9); // every true range is 101 - 99 = 2
    expect(ind.stochK).to.be.closeTo(50, 1e-9); // (100 - 99) / (101 - 99) = 50 %
    expect(ind.bbMiddle).to.be.closeTo(100, 1e-9);
    expect(ind.bbUpper).to.be.closeTo(100, 1e-9); // zero standard deviation of closes
    expect(ind.volumeRatio).to.be.closeTo(3, 1e-12); // 300 against a 20-candle baseline of 100
    expect(ind.macd).to.be.closeTo(0, 1e-9);
  });

  it('gives RSI 100, a positive MACD and a Bollinger middle equal to the 20-close mean on rising closes', () => {
    const closes = Array.from({ length: 80 }, (_, i) => 100 + i);
    const ind = computeIndicators(klinesFromCloses(closes), p);
    expect(ind.rsi).to.equal(100);
    expect(ind.macd).to.be.greaterThan(0);
    // last 20 closes are 160..179, mean 169.5
    expect(ind.bbMiddle).to.be.closeTo(169.5, 1e-9);
    // a straight line of slope 1: MACD converges to (26 - 12) / 2 = 7
    expect(ind.macd).to.be.closeTo(7, 0.05);
  });

  it('reports NaN for indicators that cannot be computed yet', () => {
    const ind = computeIndicators(klinesFromCloses([100, 101, 102]), p);
    expect(ind.rsi).to.be.NaN;
    expect(ind.macd).to.be.NaN;
    expect(ind.atr).to.be.NaN;
    expect(ind.volumeRatio).to.be.NaN;
  });
});
