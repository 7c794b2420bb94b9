import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/resilience/clock.js';
import type { Limiter } from '../../src/resilience/limiter.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import { RecordingClock } from '../support/recording-clock.js';

describe('RateLimiter', () => {
  it('admits 3 per second, refuses the 4th with waitMs > 0, admits again later', () => {
    const clock = new RecordingClock(5000);
    const limiter: Limiter = new RateLimiter({ capacity: 3, refillPerSecond: 3, clock });
    expect([limiter.canProceed(), limiter.canProceed(), limiter.canProceed()].map((v) => v.ok)).to.deep.equal([true, true, true]);
    const refused = limiter.canProceed();
    expect(refused.ok).to.equal(false);
    expect(refused.waitMs).to.be.greaterThan(0).and.at.most(334);
    clock.time += refused.waitMs - 1;
    expect(limiter.canProceed().ok).to.equal(false);
    clock.time += 1;
    expect(limiter.canProceed()).to.deep.equal({ ok: true, waitMs: 0 });
    clock.time += 1000;
    expect([1, 2, 3, 4].map(() => limiter.canProceed().ok)).to.deep.equal([true, true, true, false]);
  });

  it('charges the cost and refuses a refused call without consuming', () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 10, clock });
    expect(limiter.canProceed(7).ok).to.equal(true);
    expect(limiter.canProceed(5)).to.deep.equal({ ok: false, waitMs: 200 });
    expect(limiter.available()).to.equal(3);
  });

  it('keeps the reserve for critical callers', () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 1, reserveFraction: 0.2, clock });
    expect(limiter.canProceed(8).ok).to.equal(true);
    expect(limiter.canProceed(1).ok).to.equal(false);
    expect(limiter.canProceed(1, 'critical').ok).to.equal(true);
    expect(limiter.canProceed(1, 'critical').ok).to.equal(true);
    expect(limiter.canProceed(1, 'critical').ok).to.equal(false);
    expect(() => limiter.canProceed(9)).to.throw(RangeError, /exceeds bucket capacity/);
  });

  it('holds the bucket empty until a server-given reset (429)', () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 10, clock });
    limiter.rateLimited(5000);
    const v = limiter.canProceed();
    expect(v.ok).to.equal(false);
    expect(v.waitMs).to.equal(5100);
    clock.time += 5000;
    expect(limiter.canProceed().ok).to.equal(false);
    clock.time += 100;
    expect(limiter.canProceed().ok).to.equal(true);
  });

  it('validates options, naming the field', () => {
    expect(() => new RateLimiter({ capacity: 0, refillPerSecond: 1 })).to.throw(RangeError, /"capacity"/);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 0 })).to.throw(RangeError, /"refillPerSecond"/);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 1, reserveFraction: 1 })).to.throw(RangeError, /"reserveFraction"/);
  });

  describe('acquire() on fake timers', () => {
    let timers: sinon.SinonFakeTimers;
    beforeEach(() => {
      timers = sinon.useFakeTimers({ now: 0 });
    });
    afterEach(() => timers.restore());

    it('waits until tokens refill', async () => {
      const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 3, clock: systemClock });
      for (let i = 0; i < 3; i += 1) await limiter.acquire();
      let admitted = false;
      const p = limiter.acquire().then(() => (admitted = true));
      await timers.tickAsync(300);
      expect(admitted).to.equal(false);
      await timers.tickAsync(40);
      await p;
      expect(admitted).to.equal(true);
      expect(systemClock.now()).to.be.within(333, 340);
    });

    it('is abortable and spends nothing when aborted', async () => {
      const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1, clock: systemClock });
      await limiter.acquire(2);
      const ac = new AbortController();
      const p = limiter.acquire(2, { signal: ac.signal });
      let caught: unknown;
      const settled = p.catch((e: unknown) => (caught = e));
      await timers.tickAsync(500);
      ac.abort();
      await settled;
      expect((caught as Error).name).to.equal('AbortError');
      await timers.tickAsync(1500);
      expect(limiter.available()).to.equal(2);
      // Already-aborted signal: rejects at once.
      const again = await limiter.acquire(1, { signal: AbortSignal.abort(new Error('gone')) }).catch((e: unknown) => e);
      expect((again as Error).message).to.equal('gone');
    });

    it('critical acquire dips into the reserve while normal waits', async () => {
      const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 1, reserveFraction: 0.5, clock: systemClock });
      await limiter.acquire(5);
      let normal = false;
      void limiter.acquire(1).then(() => (normal = true));
      await limiter.acquire(5, { priority: 'critical' });
      await timers.tickAsync(100);
      expect(normal).to.equal(false);
      await timers.tickAsync(6000);
      expect(normal).to.equal(true);
    });
  });
});
