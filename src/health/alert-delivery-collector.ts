// The alert-delivery collector: alerts the webhook did not accept after its retries, i.e. times
// the operator was not told.
import type { AlertsReport } from './health-report.js';

export class AlertDeliveryCollector {
  private failures = 0;
  private lastError: string | null = null;

  record(error: string): void {
    this.failures += 1;
    this.lastError = error;
  }

  report(): AlertsReport {
    return { delivery_failures: this.failures, last_delivery_error: this.lastError };
  }
}
