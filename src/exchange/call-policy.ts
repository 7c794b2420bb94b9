// How the client hands each request attempt to the resilience toolkit (breaker, retry, timeout),
// without depending on any one composition: the toolkit supplies a CallPolicy.
import type { EndpointName } from './endpoints.js';
import type { CallPriority, RateLimitSnapshot } from '../resilience/limiter.js';

export interface CallContext {
  readonly endpoint: EndpointName;
  readonly priority: CallPriority;
  /**
   * True when sending the same request again cannot change state twice: every GET, cancels, and
   * order POSTs (each re-sends the SAME clientOid, which KuCoin deduplicates).
   */
  readonly idempotent: boolean;
}

export interface CallPolicy {
  /** Run `attempt` (one HTTP request) once or several times; must rethrow the last ExchangeError. */
  execute<T>(attempt: () => Promise<T>, context: CallContext): Promise<T>;
}

/** The default: one attempt, no retry. */
export const SINGLE_ATTEMPT: CallPolicy = { execute: (attempt) => attempt() };

/** What every client call returns: the validated data and the server's quota view for that pool. */
export interface ExchangeResult<T> {
  readonly data: T;
  /** From the response's gw-ratelimit-* headers; null when the server sent none. */
  readonly rateLimit: RateLimitSnapshot | null;
}
