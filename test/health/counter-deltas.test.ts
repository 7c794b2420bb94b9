import { expect } from 'chai';
import { CounterDeltas } from '../../src/health/counter-deltas.js';
import { HealthMonitor } from '../../src/health/health-monitor.js';
import { ManualClock } from '../support/manual-clock.js';

describe('CounterDeltas', () => {
  it('turns cumulative counters into increments, restarting with a new generation', () => {
    const d = new CounterDeltas();
    expect(d.delta('scanner', 0, 'scans', 3)).to.equal(3);
    expect(d.delta('scanner', 0, 'scans', 5)).to.equal(2);
    expect(d.delta('scanner', 0, 'scans', 5)).to.equal(0);
    expect(d.delta('scanner', 1, 'scans', 1)).to.equal(1); // respawned worker counts from 0 again
    expect(d.delta('scanner', 1, 'scans', 0)).to.equal(0); // went down: treated as a restart
    expect(d.delta('monitor', 0, 'scans', 4)).to.equal(4); // sources are independent
    expect(d.delta('scanner', 1, 'scans', Number.NaN)).to.equal(0);
    d.forget('scanner');
    expect(d.delta('scanner', 1, 'scans', 2)).to.equal(2);
  });

  it('feeds the monitor batch methods', () => {
    const m = new HealthMonitor({ clock: new ManualClock() });
    m.recordScans(2, 10);
    m.recordScans(1, 7);
    m.recordPositionUpdates(5);
    m.recordScans(0, 99); // ignored
    const p = m.getReport().performance;
    expect(p).to.include({
      scans_completed: 3,
      avg_scan_duration_ms: 5.67,
      position_updates: 5,
      max_scan_duration_ms: 7,
    });
  });
});
