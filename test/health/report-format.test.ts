import { expect } from 'chai';
import { HealthMonitor } from '../../src/health/health-monitor.js';
import { formatReport } from '../../src/health/report-format.js';
import { ManualClock } from '../support/manual-clock.js';

describe('formatReport', () => {
  it('prints the original sections in order with the key figures', () => {
    const clock = new ManualClock();
    const m = new HealthMonitor({ clock, threads: ['scanner', 'executor'] });
    m.recordPositionOpened('XBTUSDTM');
    m.recordPositionOpened('ETHUSDTM');
    m.recordPositionClosed({ symbol: 'XBTUSDTM', pnl: 0.05 });
    m.recordPositionClosed({ symbol: 'ETHUSDTM', pnl: -0.02 });
    for (const ok of [true, true, true, false]) m.recordApiCall({ ok, rateLimited: !ok, durationMs: 2 });
    m.recordScans(1, 5.2);
    m.heartbeat('scanner', 3);
    m.recordError({ thread: 'executor', type: 'ExchangeError', message: 'balance\nnot enough' });
    clock.advance(3_723_000);
    m.heartbeat('scanner', 4);
    const text = formatReport(m.getReport());

    const sections = [
      'Uptime:',
      'POSITIONS:',
      'API HEALTH:',
      'THREADS:',
      'PERFORMANCE:',
      'RECENT ERRORS:',
      'Overall Health:',
    ];
    const positions = sections.map((s) => text.indexOf(s));
    expect(positions.every((p) => p >= 0)).to.equal(true);
    expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);

    expect(text).to.contain('Uptime: 01h 02m 03s');
    expect(text).to.contain('Win Rate: 50.0%');
    expect(text).to.contain('Total P/L: +0.03 USDT');
    expect(text).to.contain('Success Rate: 75.0%');
    expect(text).to.contain('scanner: OK');
    expect(text).to.match(/executor: STALLED \(no heartbeat yet/);
    expect(text).to.contain('[executor] ExchangeError: balance not enough');
    expect(text).to.match(/Overall Health: UNHEALTHY\n {3}- thread executor start timeout/);
  });

  it('says so when there are no threads or errors', () => {
    const text = formatReport(new HealthMonitor({ clock: new ManualClock() }).getReport());
    expect(text).to.contain('(none reported)');
    expect(text).to.contain('(none)');
    expect(text).to.contain('Overall Health: HEALTHY');
  });
});
