import { expect } from 'chai';
import { AlertCooldown } from '../../src/alerts/alert-cooldown.js';
import { ManualClock } from '../support/manual-clock.js';

describe('AlertCooldown', () => {
  it('lets a key through once per cooldown and counts what it held back', () => {
    const clock = new ManualClock();
    const c = new AlertCooldown(1000, clock);
    expect(c.check('a')).to.deep.equal({ send: true, suppressed: 0 });
    expect(c.check('a')).to.deep.equal({ send: false });
    expect(c.check('a')).to.deep.equal({ send: false });
    clock.advance(1000);
    expect(c.check('a')).to.deep.equal({ send: true, suppressed: 2 });
    c.reset('a');
    expect(c.check('a')).to.deep.equal({ send: true, suppressed: 0 });
  });

  it('stays bounded under a flood of distinct keys', () => {
    const clock = new ManualClock();
    const c = new AlertCooldown(60_000, clock, 10);
    for (let i = 0; i < 100; i += 1) expect(c.check(`k${i}`).send).to.equal(true);
    expect((c as unknown as { entries: Map<string, unknown> }).entries.size).to.be.at.most(10);
    expect(() => new AlertCooldown(-1, clock)).to.throw(RangeError, /cooldownMs/);
  });
});
