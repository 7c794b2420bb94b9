// The one Clock: the system clock on sinon's fake timers (it looks the globals up at call time), and
// the test ManualClock every unit test drives time with.
import { expect } from 'chai';
import sinon from 'sinon';
import { systemClock, unrefSystemClock } from '../../src/resilience/clock.js';
import { ManualClock } from '../support/manual-clock.js';

describe('systemClock (on fake timers)', () => {
  let fake: sinon.SinonFakeTimers;
  beforeEach(() => {
    fake = sinon.useFakeTimers({
      now: Date.UTC(2025, 0, 1),
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'performance'],
    });
  });
  afterEach(() => fake.restore());

  it('reads wall and monotonic time from the (fake) globals', () => {
    const wall = systemClock.now();
    const mono = systemClock.monotonic();
    fake.tick(1500);
    expect(systemClock.now() - wall).to.equal(1500);
    expect(systemClock.monotonic() - mono).to.equal(1500);
  });

  it('fires a timeout once, an interval every period, and neither after cancel()', () => {
    const fired: string[] = [];
    const once = systemClock.setTimeout(() => fired.push('once'), 100);
    const every = systemClock.setInterval(() => fired.push('tick'), 40);
    expect(once.unref()).to.equal(once); // chainable
    fake.tick(100);
    expect(fired).to.deep.equal(['tick', 'tick', 'once']);
    every.cancel();
    once.cancel(); // idempotent after firing
    fake.tick(1000);
    expect(fired).to.have.length(3);
  });

  it('sleeps on the timer and rejects with the abort reason as soon as the signal aborts', async () => {
    let woke = false;
    const sleeping = systemClock.sleep(1000).then(() => (woke = true));
    await fake.tickAsync(999);
    expect(woke).to.equal(false);
    await fake.tickAsync(1);
    await sleeping;
    expect(woke).to.equal(true);

    const controller = new AbortController();
    const aborted = unrefSystemClock.sleep(60_000, controller.signal).then(
      () => 'slept',
      (e: unknown) => e,
    );
    controller.abort(new Error('stop'));
    expect(await aborted).to.have.property('message', 'stop');
    const already = await systemClock.sleep(10, controller.signal).then(
      () => 'slept',
      (e: unknown) => e,
    );
    expect(already).to.have.property('message', 'stop');
  });

  it('defers a callback past the current turn', async () => {
    const seen: string[] = [];
    systemClock.defer(() => seen.push('deferred'));
    seen.push('now');
    await fake.tickAsync(0);
    expect(seen).to.deep.equal(['now', 'deferred']);
  });
});

describe('ManualClock (test/support)', () => {
  it('moves only when told, firing due timers in order and intervals on every period', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    const every = clock.setInterval(() => fired.push(`i@${clock.now()}`), 15);
    expect(clock.monotonic()).to.equal(0);
    clock.advance(30);
    expect(fired).to.deep.equal(['a@1010', 'i@1015', 'b@1020', 'i@1030']);
    every.cancel();
    clock.advance(100);
    expect(fired).to.have.length(4);
    expect(clock.pendingTimers).to.equal(0);
    expect(() => clock.set(0)).to.throw(/backwards/);
  });

  it('resolves a sleep when time reaches it, and runs deferred callbacks on the next move', async () => {
    const clock = new ManualClock();
    let woke = false;
    const sleeping = clock.sleep(50).then(() => (woke = true));
    let deferred = false;
    clock.defer(() => (deferred = true));
    clock.advance(49);
    await Promise.resolve();
    expect(deferred).to.equal(true);
    expect(woke).to.equal(false);
    clock.advance(1);
    await sleeping;
    expect(woke).to.equal(true);
  });
});
