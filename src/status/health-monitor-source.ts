// Adapts the supervisor's HealthMonitor (plus whatever holds the open positions, which the monitor
// only counts) to the StatusSource the server reads.
import type { HealthMonitor } from '../health/health-monitor.js';
import type { AccountView, AlertView, OpenPositionView, StatusSource } from './status-source.js';

export interface HealthMonitorSourceOptions {
  /** The open positions for the dashboard table (default: none). */
  openPositions?: () => readonly OpenPositionView[];
  account?: () => AccountView;
  alertHistory?: () => readonly AlertView[];
  panels?: () => Readonly<Record<string, unknown>>;
}

/**
 * Note: HealthMonitor fires onChange from its evaluation tick, i.e. only once start() was called;
 * the server's own refresh timer covers a monitor that was never started.
 */
export function healthMonitorSource(
  monitor: Pick<HealthMonitor, 'getReport' | 'onChange' | 'getEquityCurve'>,
  options: HealthMonitorSourceOptions = {},
): StatusSource {
  const openPositions = options.openPositions ?? (() => []);
  return {
    getReport: () => monitor.getReport(),
    onChange: (listener) => monitor.onChange(listener),
    equityCurve: () => monitor.getEquityCurve(),
    openPositions,
    ...(options.account ? { account: options.account } : {}),
    ...(options.alertHistory ? { alertHistory: options.alertHistory } : {}),
    ...(options.panels ? { panels: options.panels } : {}),
  };
}
