// A rich, deterministic dashboard state (equity curve, positions with tick sizes and stops, alerts,
// a paused bot): shared by the Chromium test and the README screenshot script, so the committed
// screenshot shows what the test asserts.
import type { AccountView, AlertView } from '../../src/status/status-source.js';
import { FakeStatusSource, thread } from './fake-status-source.js';

export class DashboardFixture extends FakeStatusSource {
  accountView: AccountView = { start_equity: 10_000, day_start_equity: 10_050 };
  alerts: AlertView[] = [];
  paused = false;

  account(): AccountView {
    return this.accountView;
  }

  alertHistory(): readonly AlertView[] {
    return this.alerts;
  }

  panels(): Readonly<Record<string, unknown>> {
    return { controls: { paused: this.paused, paused_since: this.paused ? '2025-01-01T00:58:00.000Z' : null } };
  }
}

export function dashboardFixture(): DashboardFixture {
  const source = new DashboardFixture('HEALTHY');
  const start = Date.UTC(2025, 0, 1, 0, 0, 0);
  let equity = 10_000;
  for (let i = 0; i < 60; i += 1) {
    equity += Math.sin(i / 4) * 30 + 4;
    source.equity.push({ t: start + i * 60_000, equity: Math.round(equity * 100) / 100 });
  }
  source.report.positions.equity = (source.equity.at(-1) as { equity: number }).equity;
  source.positions = [
    // Prices as the exchange fills them (averages with float noise); ticks 0.1, 0.001 and 0.00001.
    {
      symbol: 'XBTUSDTM',
      side: 'long',
      size: 3,
      entry_price: 61_250.53333333,
      mark_price: 61_410.1,
      leverage: 5,
      unrealised_pnl: 4.79,
      opened_at: '2025-01-01T00:42:10.000Z',
      stop_price: 60_980.4,
      tick_size: 0.1,
    },
    {
      symbol: 'SOLUSDTM',
      side: 'short',
      size: 12,
      entry_price: 142.31012345,
      mark_price: 143.02,
      leverage: 3,
      unrealised_pnl: -0.85,
      opened_at: '2025-01-01T00:55:03.000Z',
      stop_price: 143.9,
      tick_size: 0.001,
    },
    {
      symbol: 'DOGEUSDTM',
      side: 'long',
      size: 648,
      entry_price: 0.077152962962,
      mark_price: 0.07731,
      leverage: 5,
      unrealised_pnl: 1.02,
      opened_at: '2025-01-01T00:57:44.000Z',
      stop_price: 0.07698,
      tick_size: 0.00001,
    },
  ];
  source.report.positions.open = 3;
  source.report.threads['order-executor'] = thread({
    progress: 88,
    restarts: 2,
    last_restart_reason: 'stalled: no heartbeat for 3.2 s',
  });
  source.report.recent_errors.unshift({
    time: '2025-01-01T01:01:30.000Z',
    thread: 'order-executor',
    type: 'restart',
    message: 'stalled: no heartbeat for 3.2 s <script>alert(1)</script>',
  });
  source.alerts = [
    {
      time: '2025-01-01T00:58:00.000Z',
      kind: 'operator',
      subject: 'pause',
      message: 'via npm run ctl: entries paused; exits, stops and monitoring go on',
    },
    {
      time: '2025-01-01T00:31:12.000Z',
      kind: 'stall',
      subject: 'order-executor',
      message: 'no heartbeat for 3.2 s (event-loop utilisation 0.98)',
    },
  ];
  return source;
}
