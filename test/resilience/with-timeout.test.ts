import { expect } from 'chai';
import sinon from 'sinon';
import { isAttemptTimeoutError, isTimeoutErrorData, AttemptTimeoutError } from '../../src/resilience/timeout-error.js';
import { withTimeout } from '../../src/resilience/with-timeout.js';

describe('withTimeout', () => {
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ now: 0 });
  });
  afterEach(() => timers.restore());

  it('aborts the attempt signal with AttemptTimeoutError at the deadline', async () => {
    let seen: AbortSignal | undefined;
    const p = withTimeout((signal) => {
      seen = signal;
      return new Promise<never>(() => undefined); // ignores its signal entirely
    }, 100);
    const settled = p.catch((e: unknown) => e);
    await timers.tickAsync(99);
    expect(seen?.aborted).to.equal(false);
    await timers.tickAsync(1);
    const err = await settled;
    expect(isAttemptTimeoutError(err)).to.equal(true);
    expect(seen?.aborted).to.equal(true);
    expect(seen?.reason).to.equal(err);
    expect(timers.countTimers()).to.equal(0);
  });

  it('resolves before the deadline and leaves no timer behind', async () => {
    const value = await withTimeout(async () => 7, 1000);
    expect(value).to.equal(7);
    expect(timers.countTimers()).to.equal(0);
  });

  it('follows the outer signal', async () => {
    const ac = new AbortController();
    let inner: AbortSignal | undefined;
    const p = withTimeout(
      (s) => {
        inner = s;
        return new Promise<never>(() => undefined);
      },
      1000,
      { signal: ac.signal },
    ).catch((e: unknown) => e);
    ac.abort(new Error('user cancelled'));
    expect(((await p) as Error).message).to.equal('user cancelled');
    expect(inner?.aborted).to.equal(true);
    expect(timers.countTimers()).to.equal(0);
  });

  it('rejects a bad timeoutMs naming the field; wire form round-trips', () => {
    expect(() => withTimeout(async () => 1, 0)).to.throw(RangeError, /"timeoutMs"/);
    const data: unknown = structuredClone(new AttemptTimeoutError(250).toWire());
    expect(isTimeoutErrorData(data)).to.equal(true);
    if (isTimeoutErrorData(data))
      expect(AttemptTimeoutError.fromWire(data)).to.include({ timeoutMs: 250, code: 'ATTEMPT_TIMEOUT' });
  });
});
