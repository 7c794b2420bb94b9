import { expect } from 'chai';
import sinon from 'sinon';
// The KuCoin table the exchange passes in; the toolkit itself knows no KuCoin codes.
import { classifyError as kucoin } from '../../src/exchange/error-classification.js';
import { CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { isCircuitOpenError } from '../../src/resilience/circuit-open-error.js';
import { systemClock } from '../../src/resilience/clock.js';
import type { Classification } from '../../src/resilience/error-classifier.js';
import { RateLimiter } from '../../src/resilience/rate-limiter.js';
import { resilientCall } from '../../src/resilience/resilient-call.js';
import { isAttemptTimeoutError } from '../../src/resilience/timeout-error.js';
import { RecordingClock } from '../support/recording-clock.js';
import { errorOf } from '../support/error-of.js';

const netError = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const kucoinError = (code: string, extra: object = {}): Error =>
  Object.assign(new Error(`kucoin ${code}`), { code, ...extra });
const noJitter = (): number => 0.5; // 2 * 0.5 - 1 = 0: nominal delays

describe('resilientCall', () => {
  let clock: RecordingClock;
  beforeEach(() => {
    clock = new RecordingClock(1_000_000);
  });

  it('returns the value and passes the attempt signal', async () => {
    const result = await resilientCall(async (signal) => (signal.aborted ? 'aborted' : 'fresh'), { clock });
    expect(result).to.equal('fresh');
  });

  it('breaker counts ONE failure per exhausted retry sequence; limiter is charged per attempt', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: 60_000, clock });
    const limiter = new RateLimiter({ capacity: 100, refillPerSecond: 0.000001, clock });
    let calls = 0;
    const call = () =>
      resilientCall(
        async () => {
          calls += 1;
          throw netError();
        },
        { breaker, limiter, cost: 2, retry: { maxRetries: 2 }, clock, random: noJitter },
      );

    const first = await errorOf(call());
    expect((first as { code: string }).code).to.equal('ECONNRESET');
    expect(calls).to.equal(3);
    expect(breaker.getState()).to.include({ state: 'CLOSED', failures: 1 });
    expect(limiter.available('default')).to.be.closeTo(94, 0.01);
    expect(clock.sleeps).to.deep.equal([100, 200]); // network schedule

    await errorOf(call());
    expect(calls).to.equal(6);
    expect(breaker.getState().state).to.equal('OPEN');

    // Open: fails fast, before the limiter, without calling fn.
    const third = await errorOf(call());
    expect(isCircuitOpenError(third)).to.equal(true);
    expect(calls).to.equal(6);
    expect(limiter.available('default')).to.be.closeTo(88, 0.01);
  });

  it('rethrows the original non-retryable error at once, without counting it in the breaker', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, clock });
    const original = kucoinError('400100');
    let calls = 0;
    const err = await errorOf(
      resilientCall(
        async () => {
          calls += 1;
          throw original;
        },
        { breaker, clock, classify: kucoin },
      ),
    );
    expect(err).to.equal(original);
    expect(calls).to.equal(1);
    expect(breaker.getState()).to.include({ state: 'CLOSED', failures: 0 });
  });

  it('does not retry a "done" error (300009) and leaves the breaker alone', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, clock });
    let calls = 0;
    const err = await errorOf(
      resilientCall(
        async () => {
          calls += 1;
          throw kucoinError('300009');
        },
        { breaker, clock, classify: kucoin },
      ),
    );
    expect((err as { code: string }).code).to.equal('300009');
    expect(calls).to.equal(1);
    expect(breaker.getState().failures).to.equal(0);
  });

  it('waits for the server reset on 429000, and uses per-kind backoff otherwise', async () => {
    let calls = 0;
    const errors = [
      kucoinError('429000', { resetMs: 1234 }),
      kucoinError('500000', { httpStatus: 500 }),
      kucoinError('300002'),
    ];
    const seen: [number, string][] = [];
    const result = await resilientCall(
      async () => {
        const e = errors[calls];
        calls += 1;
        if (e) throw e;
        return 'ok';
      },
      {
        clock,
        random: noJitter,
        classify: kucoin,
        retry: { maxRetries: 5, onRetry: (_e, n, c: Classification) => seen.push([n, c.kind]) },
      },
    );
    expect(result).to.equal('ok');
    // 429: the server's 1234 ms; 500000 (server) at retry index 1: 500 * 2; busy at index 2: 1000 * 4.
    expect(clock.sleeps).to.deep.equal([1234, 1000, 4000]);
    expect(seen).to.deep.equal([
      [1, 'rate-limit'],
      [2, 'server'],
      [3, 'busy'],
    ]);
  });

  it('caps retries by the error kind as well as the overall maxRetries', async () => {
    let calls = 0;
    await errorOf(
      resilientCall(
        async () => {
          calls += 1;
          throw netError();
        },
        { clock, random: noJitter, retry: { maxRetries: 50 } },
      ),
    );
    expect(calls).to.equal(5); // network kind allows 4 retries
    calls = 0;
    await errorOf(
      resilientCall(
        async () => {
          calls += 1;
          throw netError();
        },
        { clock, retry: false },
      ),
    );
    expect(calls).to.equal(1);
  });

  it('critical calls pass an open breaker and may use the limiter reserve', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 60_000, clock });
    const limiter = new RateLimiter({ capacity: 10, refillPerSecond: 0.000001, reserveFraction: 0.5, clock });
    await errorOf(
      resilientCall(
        async () => {
          throw netError();
        },
        { breaker, clock, retry: false },
      ),
    );
    expect(breaker.getState().state).to.equal('OPEN');
    expect(limiter.tryAcquire('default', 5).ok).to.equal(true); // normal budget now used up
    const closed = await resilientCall(async () => 'position closed', {
      breaker,
      limiter,
      cost: 3,
      critical: true,
      clock,
    });
    expect(closed).to.equal('position closed');
    expect(isCircuitOpenError(await errorOf(resilientCall(async () => 'x', { breaker, clock })))).to.equal(true);
  });

  describe('on fake timers', () => {
    let timers: sinon.SinonFakeTimers;
    beforeEach(() => {
      timers = sinon.useFakeTimers({ now: 0 });
    });
    afterEach(() => timers.restore());

    it('times out each attempt separately, aborting its signal, then retries', async () => {
      const signals: AbortSignal[] = [];
      const p = resilientCall(
        (signal) => {
          signals.push(signal);
          return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        },
        { timeoutMs: 500, retry: { maxRetries: 1 }, clock: systemClock, random: () => 0.5 },
      );
      const settled = errorOf(p);
      await timers.tickAsync(500);
      expect(signals).to.have.length(1);
      expect(signals[0]?.aborted).to.equal(true);
      expect(isAttemptTimeoutError(signals[0]?.reason)).to.equal(true);
      await timers.tickAsync(250); // timeout-kind backoff base
      expect(signals).to.have.length(2);
      expect(signals[1]?.aborted).to.equal(false);
      await timers.tickAsync(500);
      expect(isAttemptTimeoutError(await settled)).to.equal(true);
      expect(signals[1]?.aborted).to.equal(true);
    });

    it('the caller signal cancels a backoff sleep and is not counted by the breaker', async () => {
      const breaker = new CircuitBreaker({ failureThreshold: 1, clock: systemClock });
      const ac = new AbortController();
      let calls = 0;
      const settled = errorOf(
        resilientCall(
          async () => {
            calls += 1;
            throw netError();
          },
          { breaker, signal: ac.signal, clock: systemClock },
        ),
      );
      await timers.tickAsync(10);
      expect(calls).to.equal(1);
      ac.abort(new Error('shutdown'));
      expect(((await settled) as Error).message).to.equal('shutdown');
      await timers.tickAsync(10_000);
      expect(calls).to.equal(1);
      expect(breaker.getState()).to.include({ state: 'CLOSED', failures: 0 });
    });
  });
});
