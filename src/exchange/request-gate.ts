// The seam between the exchange client and whatever meters and observes its calls: the shared
// SharedArrayBuffer limiter in workers, a single-thread limiter or nothing in tests.
import type { EndpointName, QuotaPool } from './endpoints.js';

export type CallPriority = 'normal' | 'critical';

/** What one response's `gw-ratelimit-*` headers said about a pool. */
export interface RateLimitSnapshot {
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the server resets the pool window. */
  readonly resetMs: number;
}

export interface RequestGate {
  /** Resolves when `weight` tokens of `pool` may be spent; critical calls may dip into the reserve. */
  acquire(pool: QuotaPool, weight: number, priority: CallPriority, signal?: AbortSignal): Promise<void>;
  /** Server truth from a response's headers: the gate may only correct itself downward. */
  observe(pool: QuotaPool, snapshot: RateLimitSnapshot): void;
  /** A 429000 response: the pool is empty until `resetMs` from now. */
  rateLimited(pool: QuotaPool, resetMs: number): void;
}

/** Outcome of one exchange call, for the health monitor's API statistics. */
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

/** A gate that admits everything: for tools and tests that meter nothing. */
export const OPEN_GATE: RequestGate = {
  acquire: () => Promise.resolve(),
  observe: () => undefined,
  rateLimited: () => undefined,
};
