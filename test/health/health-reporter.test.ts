import { expect } from 'chai';
import sinon from 'sinon';
import { HealthMonitor } from '../../src/health/health-monitor.js';
import { HealthReporter } from '../../src/health/health-reporter.js';
import { type TimerHandle, systemClock } from '../../src/resilience/clock.js';

describe('HealthReporter', () => {
  let timers: sinon.SinonFakeTimers;
  beforeEach(() => {
    timers = sinon.useFakeTimers({ now: Date.UTC(2025, 0, 1) });
  });
  afterEach(() => {
    timers.restore();
  });

  it('emits the report every interval and a final one at stop', () => {
    const monitor = new HealthMonitor({ clock: systemClock }); // sinon's fake timers drive it
    const out: string[] = [];
    const reporter = new HealthReporter(monitor, { sink: (text) => out.push(text), intervalMs: 3_600_000 });
    reporter.start();
    timers.tick(3_599_999);
    expect(out).to.have.length(0);
    timers.tick(1);
    expect(out).to.have.length(1);
    expect(out[0]).to.contain('Uptime: 01h 00m 00s');
    monitor.recordScans(1, 7);
    timers.tick(3_600_000);
    expect(out).to.have.length(2);
    expect(out[1]).to.contain('Scans: 1');

    const final = reporter.stop();
    expect(out).to.have.length(3);
    expect(final).to.equal(out[2]);
    expect(reporter.stop()).to.equal(null); // once only
    timers.tick(10 * 3_600_000);
    expect(out).to.have.length(3);
  });

  it('defaults to hourly and validates its options', () => {
    const monitor = new HealthMonitor();
    expect(new HealthReporter(monitor, { sink: () => undefined }).intervalMs).to.equal(3_600_000);
    expect(() => new HealthReporter(monitor, { sink: () => undefined, intervalMs: 0 })).to.throw(
      RangeError,
      /intervalMs/,
    );
  });

  it('unrefs its timer', () => {
    timers.restore(); // real timers, to see unref on a real handle
    const monitor = new HealthMonitor();
    let unrefed = false;
    const reporter = new HealthReporter(monitor, {
      sink: () => undefined,
      clock: {
        ...systemClock,
        setInterval: (cb, ms) => {
          const real = systemClock.setInterval(cb, ms);
          const handle: TimerHandle = {
            cancel: () => real.cancel(),
            unref: () => {
              unrefed = true;
              real.unref();
              return handle;
            },
          };
          return handle;
        },
      },
    });
    reporter.start();
    expect(unrefed).to.equal(true);
    reporter.stop();
    timers = sinon.useFakeTimers(); // so afterEach has something to restore
  });
});
