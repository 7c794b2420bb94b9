import { expect } from 'chai';
import { SlidingWindowCounter } from '../../src/health/sliding-window-counter.js';

describe('SlidingWindowCounter', () => {
  const t0 = 1_700_000_000_000;

  it('counts more than 60 events a minute without a cap', () => {
    const c = new SlidingWindowCounter();
    for (let i = 0; i < 150; i += 1) c.add(t0 + i * 100); // 150 calls over 15 s
    expect(c.total(t0 + 15_000)).to.equal(150);
    for (let i = 0; i < 250; i += 1) c.add(t0 + 20_000);
    expect(c.total(t0 + 20_000)).to.equal(400);
  });

  it('drops events once they are 60 s old, bucket by bucket', () => {
    const c = new SlidingWindowCounter();
    c.add(t0); // second 0
    c.add(t0 + 30_000, 5); // second 30
    expect(c.total(t0 + 59_999)).to.equal(6);
    expect(c.total(t0 + 60_000)).to.equal(5); // the first call is exactly 60 s old: out
    expect(c.total(t0 + 89_999)).to.equal(5);
    expect(c.total(t0 + 90_000)).to.equal(0);
  });

  it('reuses a slot after a full lap without leaking the old count', () => {
    const c = new SlidingWindowCounter();
    c.add(t0, 7);
    c.add(t0 + 60_000, 1); // same slot, one lap later
    expect(c.total(t0 + 60_000)).to.equal(1);
    expect(c.total(t0 + 3_600_000)).to.equal(0); // long idle: nothing left
  });

  it('supports finer buckets and validates its options', () => {
    const c = new SlidingWindowCounter({ windowMs: 1000, bucketMs: 100 });
    c.add(t0);
    expect(c.total(t0 + 999)).to.equal(1);
    expect(c.total(t0 + 1000)).to.equal(0);
    expect(() => new SlidingWindowCounter({ bucketMs: 7000 })).to.throw(RangeError, /bucketMs/);
    expect(() => new SlidingWindowCounter({ windowMs: 0 })).to.throw(RangeError, /windowMs/);
  });
});

describe('SlidingWindowCounter lanes', () => {
  it('keeps parallel counts in one ring and clears every lane of a stale bucket', () => {
    const c = new SlidingWindowCounter({ lanes: 3 });
    const t0 = 1_700_000_000_000;
    const slot = c.slot(t0);
    c.addAt(slot, 1, 0);
    c.addAt(slot, 1, 1);
    c.add(t0 + 500, 4, 2);
    expect([c.total(t0, 0), c.total(t0, 1), c.total(t0 + 500, 2)]).to.deep.equal([1, 1, 4]);
    c.add(t0 + 60_000, 1, 0); // same slot one lap later: lanes 1 and 2 must not survive
    expect([c.total(t0 + 60_000, 0), c.total(t0 + 60_000, 1), c.total(t0 + 60_000, 2)]).to.deep.equal([1, 0, 0]);
    expect(() => new SlidingWindowCounter({ lanes: 0 })).to.throw(RangeError, /lanes/);
  });
});
