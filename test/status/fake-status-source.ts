// A hand-driven StatusSource for the status server tests: the test edits the report and says when
// it changed.
import type { HealthReport, HealthStatus, ThreadReport } from '../../src/health/health-report.js';
import type { EquityPoint } from '../../src/health/equity-curve.js';
import type { Disposable, OpenPositionView, StatusSource } from '../../src/status/status-source.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
export type MutableReport = Mutable<HealthReport>;

export function thread(overrides: Partial<ThreadReport> = {}): ThreadReport {
  return {
    last_heartbeat_age_s: 0.4,
    progress: 12,
    progress_age_s: 0.4,
    restarts: 0,
    last_restart_reason: null,
    state: 'running',
    healthy: true,
    reason: null,
    ...overrides,
  };
}

export function sampleReport(status: HealthStatus = 'HEALTHY'): MutableReport {
  return {
    uptime: {
      seconds: 3723,
      formatted: '01h 02m 03s',
      started_at: '2025-01-01T00:00:00.000Z',
      now: '2025-01-01T01:02:03.000Z',
    },
    api: {
      total_calls: 120,
      successful_calls: 110,
      failed_calls: 10,
      rate_limited_calls: 4,
      success_rate: 91.67,
      calls_per_minute: 30,
      recent_success_rate: 95,
      rate_limited_last_minute: 1,
      avg_latency_ms: 42.5,
      last_call_age_s: 0.2,
      by_endpoint: { positions: { calls: 120, failed: 10, rate_limited: 4, avg_latency_ms: 42.5 } },
    },
    positions: {
      opened: 5,
      closed: 3,
      open: 2,
      unsettled: 0,
      wins: 2,
      losses: 1,
      breakeven: 0,
      win_rate: 66.67,
      total_pnl: 12.5,
      equity: 1012.5,
      foreign: { count: 0, symbols: [] },
    },
    orders: { foreign: 0, client_oid_prefix: 'kb_test_', contested_symbols: [] },
    performance: {
      scans_completed: 40,
      scan_errors: 2,
      avg_scan_duration_ms: 850,
      last_scan_duration_ms: 800,
      max_scan_duration_ms: 1900,
      position_updates: 300,
      position_update_errors: 1,
    },
    threads: {
      scanner: thread(),
      'position-monitor': thread({ restarts: 1, last_restart_reason: 'stalled' }),
    },
    recent_errors: [
      { time: '2025-01-01T01:00:00.000Z', thread: 'scanner', type: 'NetworkError', message: 'socket hang up' },
    ],
    alerts: { delivery_failures: 0, last_delivery_error: null },
    overall_health: status === 'HEALTHY' ? { status, reasons: [] } : { status, reasons: [`test says ${status}`] },
  };
}

export class FakeStatusSource implements StatusSource {
  report: MutableReport;
  equity: EquityPoint[] = [];
  positions: OpenPositionView[] = [];
  reportReads = 0;
  private listeners: Array<(change: unknown) => void> = [];

  constructor(status: HealthStatus = 'HEALTHY') {
    this.report = sampleReport(status);
  }

  getReport(): HealthReport {
    this.reportReads += 1;
    // A deep copy, as a real monitor returns a fresh object per call.
    return structuredClone(this.report) as HealthReport;
  }

  onChange(listener: (change: unknown) => void): Disposable {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  equityCurve(): readonly EquityPoint[] {
    return this.equity;
  }

  openPositions(): readonly OpenPositionView[] {
    return this.positions;
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  setStatus(status: HealthStatus): void {
    this.report.overall_health =
      status === 'HEALTHY' ? { status, reasons: [] } : { status, reasons: [`test says ${status}`] };
  }

  emitChange(): void {
    for (const l of this.listeners) l(undefined);
  }
}
