// What the status server reads. The server depends on this interface, not on HealthMonitor, so the
// supervisor composes it (monitor + its position book) and tests pass a small fake.
import type { HealthReport } from '../health/health-report.js';
import type { EquityPoint } from '../health/equity-curve.js';

export type { HealthReport } from '../health/health-report.js';
export type { EquityPoint } from '../health/equity-curve.js';

export interface Disposable {
  dispose(): void;
}

/** One open position as the dashboard shows it (snake_case like the report it travels with). */
export interface OpenPositionView {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  /** Contracts (lots). */
  readonly size: number;
  readonly entry_price: number;
  /** Latest mark price, null before the first update. */
  readonly mark_price: number | null;
  readonly leverage: number;
  /** USDT, null before the first mark. */
  readonly unrealised_pnl: number | null;
  /** ISO 8601. */
  readonly opened_at: string;
  /** The exchange-side stop, null if none is recorded. */
  readonly stop_price?: number | null;
  /** The contract's price step: prices are shown at its precision (null: unknown yet). */
  readonly tick_size?: number | null;
}

/** The reference points of the dashboard's equity change. */
export interface AccountView {
  /** Equity at the first reading of this run. */
  readonly start_equity: number | null;
  /** Equity at the start of the current UTC day (the daily loss limit's base). */
  readonly day_start_equity: number | null;
}

/** One persisted alert (kept across restarts). */
export interface AlertView {
  /** ISO 8601. */
  readonly time: string;
  readonly kind: string;
  readonly subject: string;
  readonly message: string;
}

export interface StatusSource {
  /** A fresh report; called per request, per scrape and per push, so it should be cheap. */
  getReport(): HealthReport;
  /**
   * Fires when something in the report changed (the payload is ignored: the server re-reads
   * getReport(), throttled). Returns a disposable that unsubscribes.
   */
  onChange(listener: (change: unknown) => void): Disposable;
  /** Oldest first. */
  equityCurve(): readonly EquityPoint[];
  openPositions(): readonly OpenPositionView[];
  /** Equity reference points (optional). */
  account?(): AccountView;
  /** Alert history, newest first (optional). */
  alertHistory?(): readonly AlertView[];
  /**
   * Data for further dashboard panels, by panel name (optional): a new panel adds its data here
   * and a renderer in browser/dashboard.ts, without touching the feed.
   */
  panels?(): Readonly<Record<string, unknown>>;
}

/** The verdict behind HTTP 200/503: only UNHEALTHY fails; DEGRADED still serves (and still trades). */
export function isReportHealthy(report: HealthReport): boolean {
  return report.overall_health.status !== 'UNHEALTHY';
}
