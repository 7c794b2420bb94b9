// Messages of the baseline limiter: a worker asks the main thread for tokens over a MessagePort
// and the main thread answers from its single-thread bucket. Imported by both sides.
import type { QuotaPool } from '../src/exchange/endpoints.js';
import type { CallPriority } from '../src/resilience/limiter.js';

export interface AcquireRequest {
  readonly type: 'acquire';
  readonly id: number;
  readonly pool: QuotaPool;
  readonly weight: number;
  readonly priority: CallPriority;
}

export interface AcquireGranted {
  readonly type: 'granted';
  readonly id: number;
  /** Epoch ms at which the tokens were taken. */
  readonly at: number;
}
