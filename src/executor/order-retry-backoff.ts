// The one backoff schedule for re-sending an order request (order POSTs and stop cancels): the
// toolkit's ExponentialBackoff from retryDelayMs, doubling per attempt, at most maxAttempts tries.
// No jitter: one order, no herd to spread; the same clientOid makes every retry the same order.
import type { Clock } from '../resilience/clock.js';
import { ExponentialBackoff } from '../resilience/exponential-backoff.js';

export function orderRetryBackoff(retryDelayMs: number, maxAttempts: number, clock: Clock): ExponentialBackoff {
  return new ExponentialBackoff({
    baseDelay: retryDelayMs,
    // The last retry's doubling is the largest delay, so the cap never bends the schedule.
    maxDelay: retryDelayMs * 2 ** Math.max(0, maxAttempts - 2),
    maxRetries: maxAttempts - 1,
    factor: 2,
    jitter: 0,
    clock,
  });
}
