import { expect } from 'chai';
import { exitDecision } from '../../src/risk/exit-decision.js';
import { trailingStop } from '../../src/risk/trailing-stop.js';

describe('trailingStop', () => {
  const long = { side: 'long' as const, entry: 100, currentStop: 95, trailingPct: 0.02, tickSize: 0.1 };
  const short = { side: 'short' as const, entry: 100, currentStop: 105, trailingPct: 0.02, tickSize: 0.1 };

  it('moves a long stop up behind the high-water mark: 110 x 0.98 = 107.8', () => {
    expect(trailingStop({ ...long, highWater: 110 })).to.equal(107.8);
  });

  it('rounds a long stop DOWN to the tick: 103.37 x 0.99 = 102.3363 -> 102.3', () => {
    expect(trailingStop({ ...long, highWater: 103.37, trailingPct: 0.01 })).to.equal(102.3);
  });

  it('never loosens a long stop', () => {
    // candidate 105 x 0.98 = 102.9 is below the current 107.8: keep 107.8
    expect(trailingStop({ ...long, currentStop: 107.8, highWater: 105 })).to.equal(107.8);
    let stop = 95;
    for (const high of [101, 104, 103, 108, 106, 112, 111]) {
      const next = trailingStop({ ...long, currentStop: stop, highWater: high });
      expect(next).to.be.at.least(stop);
      stop = next;
    }
    expect(stop).to.equal(109.7); // 112 x 0.98 = 109.76 -> down to 109.7
  });

  it('leaves a long stop alone until the position has been in profit', () => {
    expect(trailingStop({ ...long, highWater: 100 })).to.equal(95);
  });

  it('moves a short stop down behind the low-water mark: 90 x 1.02 = 91.8', () => {
    expect(trailingStop({ ...short, lowWater: 90 })).to.equal(91.8);
  });

  it('rounds a short stop UP to the tick: 96.63 x 1.01 = 97.5963 -> 97.6', () => {
    expect(trailingStop({ ...short, lowWater: 96.63, trailingPct: 0.01 })).to.equal(97.6);
  });

  it('never loosens a short stop', () => {
    expect(trailingStop({ ...short, currentStop: 91.8, lowWater: 95 })).to.equal(91.8);
    let stop = 105;
    for (const low of [99, 96, 97, 92, 94, 88, 89]) {
      const next = trailingStop({ ...short, currentStop: stop, lowWater: low });
      expect(next).to.be.at.most(stop);
      stop = next;
    }
    expect(stop).to.equal(89.8); // 88 x 1.02 = 89.76 -> up to 89.8
  });

  it('throws on NaN or missing water marks and bad parameters', () => {
    expect(() => trailingStop({ ...long, highWater: Number.NaN })).to.throw(RangeError, /highWater/);
    expect(() => trailingStop({ ...long })).to.throw(RangeError, /highWater/);
    expect(() => trailingStop({ ...short })).to.throw(RangeError, /lowWater/);
    expect(() => trailingStop({ ...long, highWater: 110, currentStop: Number.NaN })).to.throw(
      RangeError,
      /currentStop/,
    );
    expect(() => trailingStop({ ...long, highWater: 110, trailingPct: 0 })).to.throw(RangeError, /trailingPct/);
    expect(() => trailingStop({ ...long, highWater: 110, trailingPct: 1.5 })).to.throw(RangeError, /trailingPct/);
    expect(() => trailingStop({ ...long, highWater: 110, tickSize: 0 })).to.throw(RangeError, /tickSize/);
    expect(() => trailingStop({ ...long, side: 'up' as 'long', highWater: 110 })).to.throw(RangeError, /side/);
  });
});

describe('exitDecision', () => {
  it('long: stop at or below the stop, take-profit at or above the target, otherwise hold', () => {
    const p = { side: 'long' as const, stop: 95, takeProfit: 110 };
    expect(exitDecision({ ...p, mark: 94.9 })).to.equal('stop');
    expect(exitDecision({ ...p, mark: 95 })).to.equal('stop');
    expect(exitDecision({ ...p, mark: 100 })).to.equal('hold');
    expect(exitDecision({ ...p, mark: 110 })).to.equal('take-profit');
    expect(exitDecision({ ...p, mark: 120 })).to.equal('take-profit');
  });

  it('short: stop at or above the stop, take-profit at or below the target', () => {
    const p = { side: 'short' as const, stop: 105, takeProfit: 90 };
    expect(exitDecision({ ...p, mark: 105 })).to.equal('stop');
    expect(exitDecision({ ...p, mark: 100 })).to.equal('hold');
    expect(exitDecision({ ...p, mark: 90 })).to.equal('take-profit');
    expect(exitDecision({ ...p, mark: 80 })).to.equal('take-profit');
  });

  it('holds without a target until the stop is hit', () => {
    expect(exitDecision({ side: 'long', stop: 95, mark: 1_000 })).to.equal('hold');
  });

  it('prefers the stop when a crossed stop and target are both satisfied', () => {
    expect(exitDecision({ side: 'long', stop: 105, takeProfit: 100, mark: 102 })).to.equal('stop');
  });

  it('throws on a NaN mark rather than holding silently', () => {
    expect(() => exitDecision({ side: 'long', stop: 95, mark: Number.NaN })).to.throw(RangeError, /mark/);
    expect(() => exitDecision({ side: 'short', stop: Number.POSITIVE_INFINITY, mark: 100 })).to.throw(
      RangeError,
      /stop/,
    );
    expect(() => exitDecision({ side: 'short', stop: 105, takeProfit: -1, mark: 100 })).to.throw(
      RangeError,
      /takeProfit/,
    );
  });
});
