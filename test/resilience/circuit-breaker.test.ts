import { expect } from 'chai';
import { CircuitBreaker, type CircuitStateChange } from '../../src/resilience/circuit-breaker.js';
import {
  CIRCUIT_OPEN_CODE,
  CircuitOpenError,
  isCircuitOpenError,
  isCircuitOpenErrorData,
} from '../../src/resilience/circuit-open-error.js';
import { RecordingClock } from '../support/recording-clock.js';
import { errorOf } from '../support/error-of.js';
import { deferred } from '../support/deferred.js';

const boom = (): Promise<never> => Promise.reject(new Error('boom'));
const ok = (): Promise<string> => Promise.resolve('ok');

describe('CircuitBreaker', () => {
  let clock: RecordingClock;
  let breaker: CircuitBreaker;
  let events: CircuitStateChange[];

  beforeEach(() => {
    clock = new RecordingClock(1_000_000);
    breaker = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 1000, clock, name: 'futures' });
    events = [];
    breaker.onStateChange((e) => events.push(e));
  });

  async function trip(): Promise<void> {
    for (let i = 0; i < 3; i += 1) await errorOf(breaker.execute(boom));
  }

  it('opens after 3 consecutive failures and fails fast without calling fn', async () => {
    await errorOf(breaker.execute(boom));
    await errorOf(breaker.execute(boom));
    expect(breaker.getState()).to.deep.equal({ state: 'CLOSED', failures: 2, lastFailureAt: 1_000_000, threshold: 3 });
    await errorOf(breaker.execute(boom));
    expect(breaker.getState().state).to.equal('OPEN');
    let called = false;
    const err = await errorOf(
      breaker.execute(async () => {
        called = true;
        return 1;
      }),
    );
    expect(called).to.equal(false);
    expect(isCircuitOpenError(err)).to.equal(true);
    expect((err as CircuitOpenError).code).to.equal(CIRCUIT_OPEN_CODE);
    expect((err as CircuitOpenError).retryAfterMs).to.equal(1000);
    expect((err as CircuitOpenError).message).to.contain('futures');
  });

  it('a success in between resets the consecutive count', async () => {
    await errorOf(breaker.execute(boom));
    await errorOf(breaker.execute(boom));
    expect(await breaker.execute(ok)).to.equal('ok');
    await errorOf(breaker.execute(boom));
    expect(breaker.getState()).to.include({ state: 'CLOSED', failures: 1 });
  });

  it('closes after a successful probe once the recovery timeout passed', async () => {
    await trip();
    clock.time += 999;
    expect(isCircuitOpenError(await errorOf(breaker.execute(ok)))).to.equal(true);
    clock.time += 1;
    expect(breaker.getState().state).to.equal('HALF_OPEN');
    expect(await breaker.execute(ok)).to.equal('ok');
    expect(breaker.getState()).to.deep.equal({ state: 'CLOSED', failures: 0, lastFailureAt: 1_000_000, threshold: 3 });
  });

  it('reopens immediately when the half-open probe fails, restarting the timeout', async () => {
    await trip();
    clock.time += 1000;
    const probeError = await errorOf(breaker.execute(boom));
    expect((probeError as Error).message).to.equal('boom');
    expect(breaker.getState()).to.include({ state: 'OPEN', failures: 4, lastFailureAt: 1_001_000 });
    clock.time += 999;
    expect(isCircuitOpenError(await errorOf(breaker.execute(ok)))).to.equal(true);
    clock.time += 1;
    expect(await breaker.execute(ok)).to.equal('ok');
  });

  it('lets exactly one probe through in half-open; concurrent callers fail fast', async () => {
    await trip();
    clock.time += 1000;
    const gate = deferred<string>();
    let probes = 0;
    const probe = breaker.execute(() => {
      probes += 1;
      return gate.promise;
    });
    const others = await Promise.all(
      [1, 2, 3].map(() =>
        errorOf(
          breaker.execute(async () => {
            probes += 1;
            return 'x';
          }),
        ),
      ),
    );
    expect(probes).to.equal(1);
    for (const e of others) {
      expect(isCircuitOpenError(e)).to.equal(true);
      expect((e as CircuitOpenError).retryAfterMs).to.equal(0);
    }
    gate.resolve('probed');
    expect(await probe).to.equal('probed');
    expect(breaker.getState().state).to.equal('CLOSED');
  });

  it('critical calls bypass an open breaker without changing its state', async () => {
    await trip();
    expect(await breaker.execute(async () => 'closed position', { critical: true })).to.equal('closed position');
    expect(breaker.getState()).to.include({ state: 'OPEN', failures: 3 });
    // A critical failure does not restart the recovery timer...
    clock.time += 600;
    await errorOf(breaker.execute(boom, { critical: true }));
    expect(breaker.getState()).to.include({ state: 'OPEN', failures: 3, lastFailureAt: 1_000_000 });
    // ...so the breaker still recovers on schedule.
    clock.time += 400;
    expect(breaker.getState().state).to.equal('HALF_OPEN');
  });

  it('critical calls do not take the half-open probe slot', async () => {
    await trip();
    clock.time += 1000;
    const gate = deferred<string>();
    const critical = breaker.execute(() => gate.promise, { critical: true });
    expect(await breaker.execute(ok)).to.equal('ok'); // the probe still gets through
    expect(breaker.getState().state).to.equal('CLOSED');
    gate.reject(new Error('late critical failure'));
    await errorOf(critical);
    expect(breaker.getState()).to.include({ state: 'CLOSED', failures: 0 });
  });

  it('fires state-change events and stops after dispose', async () => {
    await trip();
    clock.time += 1000;
    await breaker.execute(ok);
    expect(events.map((e) => `${e.from}>${e.to}:${e.reason}`)).to.deep.equal([
      'CLOSED>OPEN:threshold',
      'OPEN>HALF_OPEN:recovery-timeout',
      'HALF_OPEN>CLOSED:probe-succeeded',
    ]);
    expect(events[0]).to.include({ at: 1_000_000, failures: 3 });
    const extra: CircuitStateChange[] = [];
    const sub = breaker.onStateChange((e) => extra.push(e));
    sub.dispose();
    await trip();
    expect(extra).to.deep.equal([]);
    expect(events).to.have.length(4);
  });

  it('reset() closes and clears failures; a late failure from before the reset is ignored', async () => {
    await errorOf(breaker.execute(boom));
    const gate = deferred<string>();
    const late = breaker.execute(() => gate.promise);
    await errorOf(breaker.execute(boom));
    await errorOf(breaker.execute(boom));
    expect(breaker.getState().state).to.equal('OPEN');
    breaker.reset();
    expect(breaker.getState()).to.deep.equal({ state: 'CLOSED', failures: 0, lastFailureAt: null, threshold: 3 });
    gate.reject(new Error('late'));
    await errorOf(late);
    expect(breaker.getState().failures).to.equal(0);
    expect(events.map((e) => e.reason)).to.deep.equal(['threshold', 'reset']);
  });

  it('counts concurrent failures in CLOSED', async () => {
    await Promise.all([1, 2, 3].map(() => errorOf(breaker.execute(boom))));
    expect(breaker.getState().state).to.equal('OPEN');
  });

  it('validates its options, naming the field', () => {
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).to.throw(RangeError, /"failureThreshold"/);
    expect(() => new CircuitBreaker({ recoveryTimeout: -5 })).to.throw(RangeError, /"recoveryTimeout"/);
  });
});

describe('CircuitOpenError wire form', () => {
  it('survives a structured clone as data and is rebuilt with its code', () => {
    const original = new CircuitOpenError(250, 'futures');
    const cloned: unknown = structuredClone(original.toWire());
    expect(isCircuitOpenErrorData(cloned)).to.equal(true);
    expect(isCircuitOpenError(cloned)).to.equal(false);
    if (!isCircuitOpenErrorData(cloned)) return;
    const rebuilt = CircuitOpenError.fromWire(cloned);
    expect(rebuilt).to.be.instanceOf(Error);
    expect(isCircuitOpenError(rebuilt)).to.equal(true);
    expect(rebuilt).to.include({
      code: 'CIRCUIT_OPEN',
      retryAfterMs: 250,
      breaker: 'futures',
      message: original.message,
    });
    expect(isCircuitOpenErrorData({ code: 'CIRCUIT_OPEN' })).to.equal(false);
  });
});
