// A HealthMonitor whose evaluation tick fires when the test says so: the monitor is started on a
// clock whose interval timers run only on tick() (time itself still comes from the test's clock),
// and evaluate(monitor) fires the tick (the production path that fires the change events) and
// returns the verdict it left in the report.
import { HealthMonitor } from '../../src/health/health-monitor.js';
import type { HealthMonitorOptions } from '../../src/health/health-monitor-options.js';
import type { OverallHealth } from '../../src/health/health-report.js';
import { type Clock, type TimerHandle, systemClock } from '../../src/resilience/clock.js';

/** `base`'s time and timeouts; its intervals fire only on tick(), and deferred work runs at once. */
class TickedClock implements Clock {
  private readonly callbacks = new Set<() => void>();

  constructor(private readonly base: Clock) {}

  now(): number {
    return this.base.now();
  }

  monotonic(): number {
    return this.base.monotonic();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(ms, signal);
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.base.setTimeout(callback, ms);
  }

  setInterval(callback: () => void, _ms: number): TimerHandle {
    const entry = (): void => callback();
    this.callbacks.add(entry);
    const handle: TimerHandle = { cancel: () => void this.callbacks.delete(entry), unref: () => handle };
    return handle;
  }

  defer(callback: () => void): void {
    callback();
  }

  tick(): void {
    for (const callback of [...this.callbacks]) callback();
  }
}

const tickers = new WeakMap<HealthMonitor, TickedClock>();

/** A started monitor whose evaluation tick runs only through evaluate(). */
export function tickedHealthMonitor(options: HealthMonitorOptions = {}): HealthMonitor {
  const clock = new TickedClock(options.clock ?? systemClock);
  const monitor = new HealthMonitor({ ...options, clock });
  monitor.start();
  tickers.set(monitor, clock);
  return monitor;
}

/** Fires the monitor's evaluation tick once and returns the verdict. */
export function evaluate(monitor: HealthMonitor): OverallHealth {
  const clock = tickers.get(monitor);
  if (clock === undefined) throw new Error('evaluate(): the monitor was not made by tickedHealthMonitor()');
  clock.tick();
  return monitor.getReport().overall_health;
}
