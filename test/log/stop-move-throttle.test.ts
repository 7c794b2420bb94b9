import { expect } from 'chai';
import { StopMoveThrottle } from '../../src/log/stop-move-throttle.js';

describe('StopMoveThrottle', () => {
  let now = 0;
  const throttle = (): StopMoveThrottle =>
    new StopMoveThrottle({ minShare: 0.5, intervalMs: 60_000, clock: { now: () => now } });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('shows the first move, then only moves of at least the share of the distance', () => {
    const t = throttle();
    // long at mark 100, stop 98 -> 99: distance to the price now 1
    expect(t.show({ symbol: 'A', from: 98, to: 99, mark: 100 })).to.equal(true);
    now += 1000;
    expect(t.show({ symbol: 'A', from: 99, to: 99.2, mark: 100.2 })).to.equal(false);
    now += 1000;
    expect(t.show({ symbol: 'A', from: 99.2, to: 99.4, mark: 100.4 })).to.equal(false);
    now += 1000;
    // 0.5 moved since the last line shown (99), half of its distance 1
    expect(t.show({ symbol: 'A', from: 99.4, to: 99.5, mark: 100.5 })).to.equal(true);
  });

  it('shows a creeping stop at most once a minute per position, and positions independently', () => {
    const t = throttle();
    expect(t.show({ symbol: 'A', from: 98, to: 99, mark: 100 })).to.equal(true);
    expect(t.show({ symbol: 'B', from: 10, to: 11, mark: 12 })).to.equal(true);
    let shown = 0;
    for (let i = 1; i <= 120; i++) {
      now += 1000;
      if (t.show({ symbol: 'A', from: 99 + (i - 1) * 0.001, to: 99 + i * 0.001, mark: 100 + i * 0.001 })) shown++;
    }
    expect(shown).to.equal(2);
  });

  it('forgets a closed position, so the next one starts with a line', () => {
    const t = throttle();
    expect(t.show({ symbol: 'A', from: 98, to: 99, mark: 100 })).to.equal(true);
    expect(t.show({ symbol: 'A', from: 99, to: 99.01, mark: 100 })).to.equal(false);
    t.forget('A');
    expect(t.show({ symbol: 'A', from: null, to: 50, mark: 51 })).to.equal(true);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(() => new StopMoveThrottle({ minShare: 0, intervalMs: 1, clock: { now: () => 0 } })).to.throw(/minShare/);
  });
});
