import { expect } from 'chai';
import { AlertDispatcher } from '../../src/alerts/alert-dispatcher.js';
import { connectHealthAlerts } from '../../src/alerts/health-alerts.js';
import { ManualClock } from '../support/manual-clock.js';
import { evaluate, tickedHealthMonitor } from '../support/ticked-health-monitor.js';

describe('connectHealthAlerts', () => {
  it('raises stall and unhealthy alerts from the monitor, and a relapse alerts again after recovery', () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const monitor = tickedHealthMonitor({ clock, stallTimeoutMs: 3000 });
    const alerts = new AlertDispatcher({ console: (l) => lines.push(l), clock, cooldownMs: 300_000 });
    const link = connectHealthAlerts(monitor, alerts);

    monitor.heartbeat('scanner', 1);
    evaluate(monitor);
    clock.advance(3100);
    evaluate(monitor);
    expect(lines).to.deep.equal([
      'ALERT THREAD STALL scanner: no heartbeat for 3.1 s',
      'ALERT BOT UNHEALTHY bot: thread scanner stalled: no heartbeat for 3.1 s',
    ]);

    monitor.heartbeat('scanner', 2); // recovers well inside the cooldown...
    evaluate(monitor);
    clock.advance(3500); // ...and stalls again
    evaluate(monitor);
    expect(lines).to.have.length(4);
    expect(lines[2]).to.equal('ALERT THREAD STALL scanner: no heartbeat for 3.5 s');

    link.dispose();
    monitor.heartbeat('scanner', 3);
    evaluate(monitor);
    clock.advance(5000);
    evaluate(monitor);
    expect(lines).to.have.length(4);
  });

  it('reports frozen progress as a stall', () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const monitor = tickedHealthMonitor({ clock, stallTimeoutMs: 3000, progressTimeoutMs: 5000 });
    connectHealthAlerts(monitor, new AlertDispatcher({ console: (l) => lines.push(l), clock }));
    for (let i = 0; i < 7; i += 1) {
      monitor.heartbeat('order-executor', 9);
      clock.advance(1000);
      evaluate(monitor);
    }
    expect(lines[0]).to.equal('ALERT THREAD STALL order-executor: progress stuck at 9 for 6.0 s');
  });
});
