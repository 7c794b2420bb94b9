// A HealthMonitor whose evaluation tick fires when the test says so: the monitor is started on
// hand-driven interval timers, and evaluate(monitor) fires the tick (the production path that
// fires the change events) and returns the verdict it left in the report.
import { HealthMonitor } from '../../src/health/health-monitor.js';
import type { HealthMonitorOptions } from '../../src/health/health-monitor-options.js';
import type { OverallHealth } from '../../src/health/health-report.js';
import type { IntervalHandle, IntervalTimers } from '../../src/health/time-source.js';

/** Interval timers whose callbacks run only on tick(). */
export class ManualIntervalTimers implements IntervalTimers {
  private readonly callbacks = new Map<IntervalHandle, () => void>();

  setInterval(callback: () => void, _ms: number): IntervalHandle {
    const handle: IntervalHandle = {};
    this.callbacks.set(handle, callback);
    return handle;
  }

  clearInterval(handle: IntervalHandle): void {
    this.callbacks.delete(handle);
  }

  tick(): void {
    for (const callback of [...this.callbacks.values()]) callback();
  }
}

const tickers = new WeakMap<HealthMonitor, ManualIntervalTimers>();

/** A started monitor on manual timers (the `timers` option is taken over). */
export function tickedHealthMonitor(options: Omit<HealthMonitorOptions, 'timers'> = {}): HealthMonitor {
  const timers = new ManualIntervalTimers();
  const monitor = new HealthMonitor({ ...options, timers });
  monitor.start();
  tickers.set(monitor, timers);
  return monitor;
}

/** Fires the monitor's evaluation tick once and returns the verdict. */
export function evaluate(monitor: HealthMonitor): OverallHealth {
  const timers = tickers.get(monitor);
  if (timers === undefined) throw new Error('evaluate(): the monitor was not made by tickedHealthMonitor()');
  timers.tick();
  return monitor.getReport().overall_health;
}
