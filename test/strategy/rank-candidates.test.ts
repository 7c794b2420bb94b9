import { expect } from 'chai';
import { rankCandidates } from '../../src/strategy/rank-candidates.js';
import type { SignalResult, Side } from '../../src/strategy/signal-types.js';

function r(symbol: string, side: Side | 'none', confidence: number): SignalResult {
  const n = Number.NaN;
  return {
    symbol,
    side,
    confidence,
    price: 1,
    reasons: [],
    indicators: {
      rsi: n,
      macd: n,
      macdSignal: n,
      macdHistogram: n,
      bbUpper: n,
      bbMiddle: n,
      bbLower: n,
      stochK: n,
      stochD: n,
      atr: n,
      volumeRatio: n,
    },
  };
}

describe('rankCandidates', () => {
  const input = [
    r('DOGEUSDTM', 'long', 0.6),
    r('XBTUSDTM', 'short', 0.9),
    r('ETHUSDTM', 'none', 0.95),
    r('SOLUSDTM', 'long', 0.6),
    r('ADAUSDTM', 'long', 0.6),
    r('XRPUSDTM', 'long', 0.49999),
    r('LTCUSDTM', 'short', 0.5),
    r('BADUSDTM', 'long', Number.NaN),
  ];

  it('keeps actionable signals at or above minConfidence, best first, ties by symbol', () => {
    expect(rankCandidates(input, 0.5, 10).map((x) => x.symbol)).to.deep.equal([
      'XBTUSDTM',
      'ADAUSDTM',
      'DOGEUSDTM',
      'SOLUSDTM',
      'LTCUSDTM',
    ]);
  });

  it('cuts to the limit after ranking', () => {
    expect(rankCandidates(input, 0.5, 2).map((x) => x.symbol)).to.deep.equal(['XBTUSDTM', 'ADAUSDTM']);
    expect(rankCandidates(input, 0.5, 0)).to.deep.equal([]);
    expect(rankCandidates(input, 0.5, -1)).to.deep.equal([]);
  });

  it('gives the same order whatever the input order (stable tie-break)', () => {
    const reversed = [...input].reverse();
    expect(rankCandidates(reversed, 0.5, 10).map((x) => x.symbol)).to.deep.equal(
      rankCandidates(input, 0.5, 10).map((x) => x.symbol),
    );
  });

  it('never returns side none or a NaN confidence, and leaves the input untouched', () => {
    const before = input.map((x) => x.symbol);
    const out = rankCandidates(input, 0, 100);
    expect(out.some((x) => x.side === 'none')).to.equal(false);
    expect(out.some((x) => Number.isNaN(x.confidence))).to.equal(false);
    expect(input.map((x) => x.symbol)).to.deep.equal(before);
  });

  it('rejects a NaN threshold instead of silently passing nothing or everything', () => {
    expect(() => rankCandidates(input, Number.NaN, 5)).to.throw(RangeError);
    expect(() => rankCandidates(input, 0.5, Number.NaN)).to.throw(RangeError);
  });
});
