// Emits the human health report every HEALTH_REPORT_INTERVAL (default hourly) through an injected
// sink, and once more at shutdown: stop() emits and returns the final report.
import type { HealthReport } from './health-report.js';
import { formatReport } from './report-format.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';

export interface HealthReportSource {
  getReport(): HealthReport;
}

export interface HealthReporterOptions {
  /** Where report text goes (a logger's info, console.log, a test array). */
  sink: (text: string, report: HealthReport) => void;
  /** HEALTH_REPORT_INTERVAL in ms (default: the schema's). */
  intervalMs?: number;
  /** Timers for the periodic report (default systemClock). */
  clock?: Clock;
  format?: (report: HealthReport) => string;
}

export class HealthReporter {
  readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly format: (report: HealthReport) => string;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly source: HealthReportSource,
    private readonly opts: HealthReporterOptions,
  ) {
    const intervalMs = opts.intervalMs ?? CONFIG_DEFAULTS.healthReportInterval * 1000;
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
      throw new RangeError(`HealthReporter: option "intervalMs" must be a finite number > 0, got ${intervalMs}`);
    }
    if (typeof opts.sink !== 'function') throw new TypeError('HealthReporter: option "sink" must be a function');
    this.intervalMs = intervalMs;
    this.clock = opts.clock ?? systemClock;
    this.format = opts.format ?? formatReport;
  }

  /** Starts the periodic report (unref'd: it never keeps the process alive). Idempotent. */
  start(): void {
    if (this.timer !== null || this.stopped) return;
    this.timer = this.clock.setInterval(() => this.emitNow(), this.intervalMs).unref();
  }

  /** Emits a report now and returns its text. */
  emitNow(): string {
    const report = this.source.getReport();
    const text = this.format(report);
    this.opts.sink(text, report);
    return text;
  }

  /** Stops the timer and emits the final report (once; later calls return null). */
  stop(): string | null {
    if (this.timer !== null) {
      this.timer.cancel();
      this.timer = null;
    }
    if (this.stopped) return null;
    this.stopped = true;
    return this.emitNow();
  }
}
