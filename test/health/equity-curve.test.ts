import { expect } from 'chai';
import { EquityCurve } from '../../src/health/equity-curve.js';

describe('EquityCurve', () => {
  it('keeps one point per interval, ending at the latest reading', () => {
    const curve = new EquityCurve({ capacity: 10, minIntervalMs: 60_000 });
    curve.record(0, 1000);
    curve.record(30_000, 1001); // inside the interval: replaces the last point
    curve.record(60_000, 1002);
    expect(curve.points()).to.deep.equal([
      { t: 30_000, equity: 1001 },
      { t: 60_000, equity: 1002 },
    ]);
    expect(curve.latest()).to.equal(1002);
  });

  it('is bounded and ignores non-finite readings', () => {
    const curve = new EquityCurve({ capacity: 3, minIntervalMs: 0 });
    for (let i = 0; i < 5; i += 1) curve.record(i, 100 + i);
    curve.record(9, Number.NaN);
    expect(curve.points().map((p) => p.equity)).to.deep.equal([102, 103, 104]);
    expect(new EquityCurve().latest()).to.equal(null);
  });
});
