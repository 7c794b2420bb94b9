// Conditions the monitor cannot see by itself (an open circuit breaker, a tripped kill switch,
// Redis down, another bot on the account), each lowering the verdict while set.
import type { ExternalCondition } from './health-verdict.js';
import type { HealthStatus } from './health-report.js';

export class ConditionSet {
  private readonly conditions = new Map<string, ExternalCondition>();

  /** Sets or (status null) clears `key`. Returns true when that changed anything. */
  set(key: string, status: Exclude<HealthStatus, 'HEALTHY'> | null, reason: string): boolean {
    if (status === null) return this.conditions.delete(key);
    const prev = this.conditions.get(key);
    if (prev?.status === status && prev.reason === reason) return false;
    this.conditions.set(key, { key, status, reason });
    return true;
  }

  list(): ExternalCondition[] {
    return [...this.conditions.values()];
  }
}
