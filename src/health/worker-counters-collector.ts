// The worker-counters collector (the report's `performance` section): the workers' main-loop
// counters, scans (with their durations) and position updates, each with its error count.
// Workers report cumulative counters; the supervisor turns them into batches (CounterDeltas), so
// every record takes a count.
import { type PerformanceReport, round } from './health-report.js';

function isCount(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

export class WorkerCountersCollector {
  private scans = 0;
  private scanErrors = 0;
  private scanDurationSum = 0;
  private scanDurationCount = 0;
  private lastScanDuration = Number.NaN;
  private maxScanDuration = 0;
  private positionUpdates = 0;
  private positionUpdateErrors = 0;

  /**
   * `count` scans that took `totalDurationMs` together: the batch's mean duration stands in for
   * its last and max. Returns false (nothing recorded) unless count is an integer > 0.
   */
  recordScans(count: number, totalDurationMs: number): boolean {
    if (!isCount(count)) return false;
    this.scans += count;
    if (totalDurationMs >= 0 && totalDurationMs < Number.POSITIVE_INFINITY) {
      const mean = totalDurationMs / count;
      this.scanDurationSum += totalDurationMs;
      this.scanDurationCount += count;
      this.lastScanDuration = mean;
      if (mean > this.maxScanDuration) this.maxScanDuration = mean;
    }
    return true;
  }

  recordScanErrors(count: number): boolean {
    if (!isCount(count)) return false;
    this.scanErrors += count;
    return true;
  }

  recordPositionUpdates(count: number): boolean {
    if (!isCount(count)) return false;
    this.positionUpdates += count;
    return true;
  }

  recordPositionUpdateErrors(count: number): boolean {
    if (!isCount(count)) return false;
    this.positionUpdateErrors += count;
    return true;
  }

  report(): PerformanceReport {
    return {
      scans_completed: this.scans,
      scan_errors: this.scanErrors,
      avg_scan_duration_ms: this.scanDurationCount > 0 ? round(this.scanDurationSum / this.scanDurationCount, 2) : 0,
      last_scan_duration_ms: Number.isNaN(this.lastScanDuration) ? null : this.lastScanDuration,
      max_scan_duration_ms: this.maxScanDuration,
      position_updates: this.positionUpdates,
      position_update_errors: this.positionUpdateErrors,
    };
  }
}
