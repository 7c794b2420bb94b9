// A Limiter that admits everything and remembers every call, so tests can assert what the
// client reported to the rate limiter.
import type { QuotaPool } from '../../../src/exchange/endpoints.js';
import type { CallRecord } from '../../../src/exchange/call-record.js';
import type { CallPriority, Limiter, RateLimitSnapshot } from '../../../src/resilience/limiter.js';

export interface RecordingGate extends Limiter<QuotaPool> {
  readonly acquired: Array<{ pool: QuotaPool; weight: number; priority: CallPriority }>;
  readonly observed: Array<{ pool: QuotaPool; snapshot: RateLimitSnapshot }>;
  readonly limited: Array<{ pool: QuotaPool; resetMs: number }>;
  readonly records: CallRecord[];
  readonly observer: (record: CallRecord) => void;
}

export function recordingGate(): RecordingGate {
  const acquired: RecordingGate['acquired'] = [];
  const observed: RecordingGate['observed'] = [];
  const limited: RecordingGate['limited'] = [];
  const records: CallRecord[] = [];
  return {
    acquired,
    observed,
    limited,
    records,
    observer: (record) => void records.push(record),
    acquire: async (pool, weight, priority) => void acquired.push({ pool, weight, priority }),
    observe: (pool, snapshot) => void observed.push({ pool, snapshot }),
    rateLimited: (pool, resetMs) => void limited.push({ pool, resetMs }),
  };
}
