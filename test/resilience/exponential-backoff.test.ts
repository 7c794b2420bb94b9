import { expect } from 'chai';
import sinon from 'sinon';
import { ExponentialBackoff } from '../../src/resilience/exponential-backoff.js';
import { resolveBackoffOptions } from '../../src/resilience/backoff-options.js';
import { systemClock } from '../../src/resilience/clock.js';
import { seededRandom } from '../support/recording-clock.js';

describe('ExponentialBackoff', () => {
  it('doubles from base to the cap with jitter off (1,2,4,8,10 s)', () => {
    const b = new ExponentialBackoff({ baseDelay: 1000, maxDelay: 10_000, maxRetries: 5, jitter: 0 });
    const delays = [1, 2, 3, 4, 5].map(() => b.nextDelay());
    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 10_000]);
    expect(b.attempt).to.equal(5);
  });

  it('allows a retry at attempt 4 but not at 5, and reset returns to 0', () => {
    const b = new ExponentialBackoff({ baseDelay: 1000, maxDelay: 10_000, maxRetries: 5, jitter: 0 });
    for (let i = 0; i < 4; i += 1) b.nextDelay();
    expect(b.attempt).to.equal(4);
    expect(b.shouldRetry()).to.equal(true);
    b.nextDelay();
    expect(b.shouldRetry()).to.equal(false);
    b.reset();
    expect(b.attempt).to.equal(0);
    expect(b.shouldRetry()).to.equal(true);
    expect(b.nextDelay()).to.equal(1000);
  });

  it('uses the factor', () => {
    const b = new ExponentialBackoff({ baseDelay: 100, maxDelay: 100_000, factor: 3, jitter: 0 });
    expect([b.nextDelay(), b.nextDelay(), b.nextDelay()]).to.deep.equal([100, 300, 900]);
  });

  it('keeps jittered delays within ±jitter of nominal and under maxDelay over 10k draws', () => {
    const random = seededRandom(42);
    const opts = { baseDelay: 1000, maxDelay: 10_000, maxRetries: 10, jitter: 0.1, random };
    let min = Infinity;
    let max = -Infinity;
    let capped = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const b = new ExponentialBackoff(opts);
      const d0 = b.nextDelay(); // nominal 1000
      min = Math.min(min, d0);
      max = Math.max(max, d0);
      for (let k = 0; k < 4; k += 1) b.nextDelay();
      const d5 = b.nextDelay(); // nominal 10000 (capped): never above the cap
      expect(d5).to.be.within(9000, 10_000);
      if (d5 === 10_000) capped += 1;
    }
    expect(min).to.be.at.least(900);
    expect(max).to.be.at.most(1100);
    // The draws really spread: a constant delay would defeat the point of jitter.
    expect(max - min).to.be.greaterThan(150);
    expect(capped).to.be.greaterThan(3000);
  });

  it('jitter also stays in bounds with the real Math.random', () => {
    const b = new ExponentialBackoff({ baseDelay: 500, maxDelay: 60_000, maxRetries: 0, jitter: 0.25 });
    for (let i = 0; i < 10_000; i += 1) {
      b.reset();
      expect(b.nextDelay()).to.be.within(375, 625);
    }
  });

  describe('sleep()', () => {
    let timers: sinon.SinonFakeTimers;
    beforeEach(() => {
      timers = sinon.useFakeTimers({ now: 0 });
    });
    afterEach(() => timers.restore());

    it('resolves true after the delay on the clock, false when out of retries without sleeping', async () => {
      const b = new ExponentialBackoff({
        baseDelay: 1000,
        maxDelay: 10_000,
        maxRetries: 2,
        jitter: 0,
        clock: systemClock,
      });
      let done: boolean | undefined;
      void b.sleep().then((v) => (done = v));
      await timers.tickAsync(999);
      expect(done).to.equal(undefined);
      await timers.tickAsync(1);
      expect(done).to.equal(true);
      const second = b.sleep();
      await timers.tickAsync(2000);
      expect(await second).to.equal(true);
      const before = systemClock.now();
      expect(await b.sleep()).to.equal(false);
      expect(systemClock.now()).to.equal(before);
      expect(b.attempt).to.equal(2);
    });

    it('rejects when aborted mid-sleep', async () => {
      const b = new ExponentialBackoff({ baseDelay: 1000, jitter: 0 });
      const ac = new AbortController();
      const p = b.sleep(ac.signal);
      await timers.tickAsync(10);
      ac.abort(new Error('stop'));
      let caught: unknown;
      await p.catch((e: unknown) => (caught = e));
      expect((caught as Error).message).to.equal('stop');
    });
  });

  describe('option validation names the field', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['baseDelay', { baseDelay: -1 }],
      ['baseDelay', { baseDelay: Number.NaN }],
      ['maxDelay', { baseDelay: 100, maxDelay: 50 }],
      ['maxDelay', { maxDelay: Infinity }],
      ['maxRetries', { maxRetries: 1.5 }],
      ['maxRetries', { maxRetries: -1 }],
      ['factor', { factor: 0.5 }],
      ['jitter', { jitter: 1.5 }],
      ['jitter', { jitter: true }],
    ];
    for (const [field, opts] of cases) {
      const label = Object.entries(opts)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ');
      it(`rejects ${label} naming ${field}`, () => {
        expect(() => new ExponentialBackoff(opts)).to.throw(
          RangeError,
          new RegExp(`ExponentialBackoff: option "${field}"`),
        );
      });
    }
    it('keeps defaults for explicit undefined', () => {
      expect(resolveBackoffOptions({ baseDelay: undefined }).baseDelay).to.equal(1000);
    });
  });
});
