import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock } from '../../src/resilience/clock.js';
import type { Limiter } from '../../src/resilience/limiter.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import { RecordingClock } from '../support/recording-clock.js';

const P = 'futures';

describe('RateLimiter', () => {
  it('admits 3 per second, refuses the 4th with waitMs > 0, admits again later', () => {
    const clock = new RecordingClock(5000);
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 3, clock });
    expect([limiter.tryAcquire(P), limiter.tryAcquire(P), limiter.tryAcquire(P)].map((v) => v.ok)).to.deep.equal([
      true,
      true,
      true,
    ]);
    const refused = limiter.tryAcquire(P);
    expect(refused.ok).to.equal(false);
    expect(refused.waitMs).to.be.greaterThan(0).and.at.most(334);
    clock.time += refused.waitMs - 1;
    expect(limiter.tryAcquire(P).ok).to.equal(false);
    clock.time += 1;
    expect(limiter.tryAcquire(P)).to.deep.equal({ ok: true, waitMs: 0 });
    clock.time += 1000;
    expect([1, 2, 3, 4].map(() => limiter.tryAcquire(P).ok)).to.deep.equal([true, true, true, false]);
  });

  it('charges the cost and refuses a refused call without consuming', () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 10, clock });
    expect(limiter.tryAcquire(P, 7).ok).to.equal(true);
    expect(limiter.tryAcquire(P, 5)).to.deep.equal({ ok: false, waitMs: 200 });
    expect(limiter.available(P)).to.equal(3);
  });

  it('keeps the reserve for critical callers', () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 1, reserveFraction: 0.2, clock });
    expect(limiter.tryAcquire(P, 8).ok).to.equal(true);
    expect(limiter.tryAcquire(P, 1).ok).to.equal(false);
    expect(limiter.tryAcquire(P, 1, 'critical').ok).to.equal(true);
    expect(limiter.tryAcquire(P, 1, 'critical').ok).to.equal(true);
    expect(limiter.tryAcquire(P, 1, 'critical').ok).to.equal(false);
    expect(() => limiter.tryAcquire(P, 9)).to.throw(RangeError, /exceeds bucket capacity/);
  });

  it('holds the bucket empty until a server-given reset (429)', () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 10, clock });
    limiter.rateLimited(P, 5000);
    const v = limiter.tryAcquire(P);
    expect(v.ok).to.equal(false);
    expect(v.waitMs).to.equal(5100);
    clock.time += 5000;
    expect(limiter.tryAcquire(P).ok).to.equal(false);
    clock.time += 100;
    expect(limiter.tryAcquire(P).ok).to.equal(true);
  });

  it('keeps one bucket per pool behind the one Limiter interface', async () => {
    const clock = new RecordingClock();
    const limiter: Limiter<'public' | 'futures'> = new RateLimiter({ capacity: 2, refillPerSecond: 1, clock });
    await limiter.acquire('public', 2, 'normal');
    await limiter.acquire('futures', 2, 'normal'); // the other pool is still full: no wait
    expect(clock.sleeps).to.deep.equal([]);
    await limiter.acquire('public', 1, 'normal');
    expect(clock.sleeps).to.deep.equal([1000]);
  });

  it('observe() corrects downward only, into a debt when the server says so', () => {
    const clock = new RecordingClock();
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 1, clock });
    limiter.observe(P, { limit: 100, remaining: 50, resetMs: 1000 });
    expect(limiter.available(P)).to.equal(10);
    // 2 left for the next 4 s, which would refill 4 more: the bucket owes 2.
    limiter.observe(P, { limit: 100, remaining: 2, resetMs: 4000 });
    expect(limiter.available(P)).to.equal(-2);
    expect(limiter.tryAcquire(P, 1)).to.deep.equal({ ok: false, waitMs: 3000 });
    limiter.observe(P, { limit: 100, remaining: Number.NaN, resetMs: 1 });
    expect(limiter.available(P)).to.equal(-2);
  });

  it('validates options, naming the field', () => {
    expect(() => new RateLimiter({ capacity: 0, refillPerSecond: 1 })).to.throw(RangeError, /"capacity"/);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 0 })).to.throw(RangeError, /"refillPerSecond"/);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 1, reserveFraction: 1 })).to.throw(
      RangeError,
      /"reserveFraction"/,
    );
  });

  describe('acquire() on fake timers', () => {
    let timers: sinon.SinonFakeTimers;
    beforeEach(() => {
      timers = sinon.useFakeTimers({ now: 0 });
    });
    afterEach(() => timers.restore());

    it('waits until tokens refill', async () => {
      const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 3, clock: systemClock });
      for (let i = 0; i < 3; i += 1) await limiter.acquire(P, 1, 'normal');
      let admitted = false;
      const p = limiter.acquire(P, 1, 'normal').then(() => (admitted = true));
      await timers.tickAsync(300);
      expect(admitted).to.equal(false);
      await timers.tickAsync(40);
      await p;
      expect(admitted).to.equal(true);
      expect(systemClock.now()).to.be.within(333, 340);
    });

    it('is abortable and spends nothing when aborted', async () => {
      const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1, clock: systemClock });
      await limiter.acquire(P, 2, 'normal');
      const ac = new AbortController();
      const p = limiter.acquire(P, 2, 'normal', ac.signal);
      let caught: unknown;
      const settled = p.catch((e: unknown) => (caught = e));
      await timers.tickAsync(500);
      ac.abort();
      await settled;
      expect((caught as Error).name).to.equal('AbortError');
      await timers.tickAsync(1500);
      expect(limiter.available(P)).to.equal(2);
      // Already-aborted signal: rejects at once.
      const again = await limiter
        .acquire(P, 1, 'normal', AbortSignal.abort(new Error('gone')))
        .catch((e: unknown) => e);
      expect((again as Error).message).to.equal('gone');
    });

    it('critical acquire dips into the reserve while normal waits', async () => {
      const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 1, reserveFraction: 0.5, clock: systemClock });
      await limiter.acquire(P, 5, 'normal');
      let normal = false;
      void limiter.acquire(P, 1, 'normal').then(() => (normal = true));
      await limiter.acquire(P, 5, 'critical');
      await timers.tickAsync(100);
      expect(normal).to.equal(false);
      await timers.tickAsync(6000);
      expect(normal).to.equal(true);
    });
  });
});
