// What the exchange client reports about each call, for the health monitor's API statistics.
import type { EndpointName } from './endpoints.js';

/** Outcome of one exchange call. */
export interface CallRecord {
  readonly endpoint: EndpointName;
  readonly ok: boolean;
  readonly durationMs: number;
  /** KuCoin code or transport error code on failure. */
  readonly code?: string;
  readonly httpStatus?: number;
  readonly rateLimited: boolean;
}

export type CallObserver = (record: CallRecord) => void;
