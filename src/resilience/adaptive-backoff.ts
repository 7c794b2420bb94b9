// Backoff schedules per kind of failure: a network blip is usually gone in milliseconds, an
// overloaded server needs room to recover, a rate limit is governed by the server's reset, and a
// request that is wrong must not be repeated at all.
import type { ResolvedBackoffOptions } from './backoff-options.js';
import type { Classification, ErrorKind } from './error-classifier.js';

const NO_RETRY: ResolvedBackoffOptions = { baseDelay: 0, maxDelay: 0, maxRetries: 0, factor: 1, jitter: 0 };

const SCHEDULES: Readonly<Record<ErrorKind, ResolvedBackoffOptions>> = {
  network: { baseDelay: 100, maxDelay: 2000, maxRetries: 4, factor: 2, jitter: 0.2 },
  timeout: { baseDelay: 250, maxDelay: 4000, maxRetries: 3, factor: 2, jitter: 0.2 },
  server: { baseDelay: 500, maxDelay: 8000, maxRetries: 3, factor: 2, jitter: 0.2 },
  busy: { baseDelay: 1000, maxDelay: 10_000, maxRetries: 3, factor: 2, jitter: 0.2 },
  // Used only when the error carries no server reset time; KuCoin's quota window is 30 s.
  'rate-limit': { baseDelay: 1000, maxDelay: 30_000, maxRetries: 2, factor: 3, jitter: 0.1 },
  auth: NO_RETRY,
  'bad-request': NO_RETRY,
  balance: NO_RETRY,
  'not-cancelable': NO_RETRY,
  'not-found': NO_RETRY,
  'circuit-open': NO_RETRY,
  'no-position': NO_RETRY,
  success: NO_RETRY,
  unknown: NO_RETRY,
};

/**
 * The backoff options for a classified failure. maxRetries is this kind's own cap (the caller's
 * overall cap still applies); non-retryable classes get maxRetries 0.
 */
export function backoffFor(
  classification: Pick<Classification, 'kind' | 'retryable'>,
): Readonly<ResolvedBackoffOptions> {
  return classification.retryable ? SCHEDULES[classification.kind] : NO_RETRY;
}
