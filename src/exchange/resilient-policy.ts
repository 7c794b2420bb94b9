// The client's CallPolicy built from the toolkit's resilientCall (breaker -> retry). The limiter
// and the timeout already live in the client (its Limiter per attempt, transport timeout), so only
// the breaker and the classifier-driven retry are taken from the toolkit here.
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import type { Clock } from '../resilience/clock.js';
import { resilientCall, type ResilientRetryOptions } from '../resilience/resilient-call.js';
import type { CallPolicy } from './call-policy.js';
import { classifyError } from './error-classification.js';

export interface ResilientPolicyOptions {
  readonly breaker?: CircuitBreaker;
  /** false = never retry; otherwise idempotent calls retry per the classifier (default maxRetries 3). */
  readonly retry?: ResilientRetryOptions | false;
  readonly clock?: Clock;
  readonly random?: () => number;
}

export function resilientPolicy(options: ResilientPolicyOptions = {}): CallPolicy {
  return {
    execute: (attempt, context) =>
      resilientCall(() => attempt(), {
        ...(options.breaker ? { breaker: options.breaker } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.random ? { random: options.random } : {}),
        // Every order POST re-sends the same body (same clientOid), so it is idempotent too;
        // a request that is not must never be retried.
        retry: context.idempotent ? (options.retry ?? {}) : false,
        critical: context.priority === 'critical',
        classify: classifyError,
      }),
  };
}
