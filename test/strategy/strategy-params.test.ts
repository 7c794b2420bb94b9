import { expect } from 'chai';
import { DEFAULT_STRATEGY_PARAMS, resolveStrategyParams } from '../../src/strategy/strategy-params.js';
import { requiredCandles } from '../../src/strategy/compute-indicators.js';

describe('resolveStrategyParams', () => {
  it('fills the documented defaults', () => {
    expect(resolveStrategyParams()).to.deep.equal({
      rsiPeriod: 14,
      macdFast: 12,
      macdSlow: 26,
      macdSignal: 9,
      bbPeriod: 20,
      bbStdDev: 2,
      stochPeriod: 14,
      stochSignal: 3,
      atrPeriod: 14,
      volumeSmaPeriod: 20,
      atrStopMultiplier: 2,
      rewardRisk: 2,
      minCandles: 60,
      minTrendStrength: 0.2,
    });
  });

  it('applies overrides without touching the frozen defaults', () => {
    const p = resolveStrategyParams({ rsiPeriod: 7, bbStdDev: 2.5 });
    expect(p.rsiPeriod).to.equal(7);
    expect(p.bbStdDev).to.equal(2.5);
    expect(DEFAULT_STRATEGY_PARAMS.rsiPeriod).to.equal(14);
  });

  for (const [key, value] of [
    ['rsiPeriod', Number.NaN],
    ['atrPeriod', -3],
    ['bbStdDev', 0],
    ['rewardRisk', Number.POSITIVE_INFINITY],
  ] as const) {
    it(`rejects ${key} = ${value} naming the field`, () => {
      expect(() => resolveStrategyParams({ [key]: value })).to.throw(RangeError, new RegExp(`StrategyParams\\.${key}`));
    });
  }

  it('rejects fractional periods', () => {
    expect(() => resolveStrategyParams({ macdSignal: 8.5 })).to.throw(RangeError, /macdSignal must be an integer/);
  });

  it('rejects a fast MACD period not below the slow one', () => {
    expect(() => resolveStrategyParams({ macdFast: 26 })).to.throw(
      RangeError,
      /macdFast \(26\) must be below macdSlow \(26\)/,
    );
  });

  it('requires enough candles for the slowest indicator even when minCandles is small', () => {
    // MACD needs slow + signal - 1 = 26 + 9 - 1 = 34 closes before its signal line has a value.
    expect(requiredCandles(resolveStrategyParams({ minCandles: 1 }))).to.equal(34);
    expect(requiredCandles(resolveStrategyParams({ minCandles: 1, macdSlow: 40 }))).to.equal(48);
  });
});
