import { expect } from 'chai';
import sinon from 'sinon';
import { createRetryRunner, retryWithBackoff, withRetry } from '../../src/resilience/retry-with-backoff.js';
import { RecordingClock } from '../support/recording-clock.js';

function failing(times: number, value = 'ok') {
  let calls = 0;
  const fn = async (): Promise<string> => {
    calls += 1;
    if (calls <= times) throw new Error(`fail ${calls}`);
    return value;
  };
  return { fn, calls: () => calls };
}

describe('retryWithBackoff', () => {
  it('succeeds on the 3rd call after two failures (3 retries), calling onRetry with 1 and 2', async () => {
    const clock = new RecordingClock();
    const f = failing(2, 'data');
    const seen: [string, number][] = [];
    const wrapped = retryWithBackoff({
      maxRetries: 3,
      baseDelay: 100,
      jitter: 0,
      clock,
      onRetry: (e, n) => seen.push([(e as Error).message, n]),
    })(f.fn);
    expect(await wrapped()).to.equal('data');
    expect(f.calls()).to.equal(3);
    expect(seen).to.deep.equal([
      ['fail 1', 1],
      ['fail 2', 2],
    ]);
    expect(clock.sleeps).to.deep.equal([100, 200]);
  });

  it('rethrows the ORIGINAL error object after maxRetries + 1 calls', async () => {
    const clock = new RecordingClock();
    const original = new Error('always');
    let calls = 0;
    const wrapped = withRetry(
      async () => {
        calls += 1;
        throw original;
      },
      { maxRetries: 3, baseDelay: 1000, maxDelay: 10_000, jitter: 0, clock },
    );
    let caught: unknown;
    await wrapped().catch((e: unknown) => (caught = e));
    expect(caught).to.equal(original);
    expect(calls).to.equal(4);
    expect(clock.sleeps).to.deep.equal([1000, 2000, 4000]);
  });

  it('rethrows a non-retryable error at once', async () => {
    const clock = new RecordingClock();
    const fatal = new Error('fatal');
    let calls = 0;
    const onRetry = sinon.spy();
    const wrapped = withRetry(
      async () => {
        calls += 1;
        throw fatal;
      },
      { maxRetries: 5, clock, onRetry, retryable: (e) => e !== fatal },
    );
    let caught: unknown;
    await wrapped().catch((e: unknown) => (caught = e));
    expect(caught).to.equal(fatal);
    expect(calls).to.equal(1);
    expect(onRetry.called).to.equal(false);
    expect(clock.sleeps).to.deep.equal([]);
  });

  it('uses delayFor when it gives a delay, the schedule otherwise', async () => {
    const clock = new RecordingClock();
    const f = failing(2);
    const wrapped = withRetry(f.fn, {
      baseDelay: 100,
      jitter: 0,
      clock,
      delayFor: (_e, n) => (n === 1 ? 5000 : undefined),
    });
    await wrapped();
    expect(clock.sleeps).to.deep.equal([5000, 200]);
  });

  it('works as a standard decorator on a class method and keeps `this`', async () => {
    const clock = new RecordingClock();
    class Api {
      calls = 0;
      constructor(private readonly answer: number) {}
      @retryWithBackoff({ maxRetries: 3, baseDelay: 10, jitter: 0, clock })
      async fetch(plus: number): Promise<number> {
        this.calls += 1;
        if (this.calls < 3) throw new Error('blip');
        return this.answer + plus;
      }
    }
    const api = new Api(40);
    expect(await api.fetch(2)).to.equal(42);
    expect(api.calls).to.equal(3);
  });

  it('waits on the injected clock (sinon fake timers) and stops when aborted', async () => {
    const timers = sinon.useFakeTimers({ now: 0 });
    try {
      const run = createRetryRunner({ maxRetries: 5, baseDelay: 1000, jitter: 0 });
      let calls = 0;
      const ac = new AbortController();
      const p = run(async () => {
        calls += 1;
        throw new Error('down');
      }, ac.signal);
      let caught: unknown;
      const settled = p.catch((e: unknown) => (caught = e));
      await timers.tickAsync(999);
      expect(calls).to.equal(1);
      await timers.tickAsync(1);
      expect(calls).to.equal(2);
      ac.abort(new Error('cancelled'));
      await settled;
      expect((caught as Error).message).to.equal('cancelled');
      expect(calls).to.equal(2);
    } finally {
      timers.restore();
    }
  });

  it('validates options when the wrapper is created, naming the field', () => {
    expect(() => retryWithBackoff({ maxRetries: -2 })).to.throw(RangeError, /retryWithBackoff: option "maxRetries"/);
  });
});
