// The compiled piscina task file, run through a real pool exactly as the scanner does.

import { expect } from 'chai';
import { Piscina } from 'piscina';
import { analyzeSymbol } from '../../src/strategy/analyze-symbol.js';
import type { IndicatorTaskInput, SignalResult } from '../../src/strategy/signal-types.js';
import { flatSeries, trendWithPullback } from './fixtures/synthetic-klines.js';

describe('workers/indicator-task through a piscina pool', () => {
  let pool: Piscina<IndicatorTaskInput, SignalResult>;

  before(() => {
    pool = new Piscina({
      // Compiled layout: <out>/test/strategy/this.js -> <out>/workers/indicator-task.js
      filename: new URL('../../workers/indicator-task.js', import.meta.url).href,
      minThreads: 1,
      maxThreads: 2,
    });
  });

  after(async () => {
    await pool.destroy();
  });

  it('returns the same signal as the in-thread analysis', async () => {
    const input: IndicatorTaskInput = {
      symbol: 'XBTUSDTM',
      klines: trendWithPullback({ drift: 0.004, pullbackFrom: 100, pullbackLen: 5, pullbackDrift: -0.005 }),
    };
    const fromPool = await pool.run(input);
    expect(fromPool.side).to.equal('long');
    expect(fromPool).to.deep.equal(analyzeSymbol(input));
  });

  it('handles many symbols concurrently, including rejected ones', async () => {
    const inputs: IndicatorTaskInput[] = [
      {
        symbol: 'UP',
        klines: trendWithPullback({ drift: 0.004, pullbackFrom: 100, pullbackLen: 5, pullbackDrift: -0.005 }),
      },
      {
        symbol: 'DOWN',
        klines: trendWithPullback({ drift: -0.004, pullbackFrom: 100, pullbackLen: 5, pullbackDrift: 0.005 }),
      },
      { symbol: 'FLAT', klines: flatSeries() },
      { symbol: 'SHORT', klines: flatSeries(10) },
    ];
    const out = await Promise.all(inputs.map((i) => pool.run(i)));
    expect(out.map((r) => [r.symbol, r.side])).to.deep.equal([
      ['UP', 'long'],
      ['DOWN', 'short'],
      ['FLAT', 'none'],
      ['SHORT', 'none'],
    ]);
    expect(out[3]?.reasons[0]).to.match(/too few candles: 10/);
  });

  it('passes parameter overrides across the thread boundary', async () => {
    const klines = trendWithPullback({ drift: 0.004, pullbackFrom: 100, pullbackLen: 5, pullbackDrift: -0.005 });
    const r = await pool.run({ symbol: 'X', klines, params: { minCandles: 500 } });
    expect(r.reasons[0]).to.equal('too few candles: 120 < 500');
  });
});
