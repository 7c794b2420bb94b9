// The ONE way to compose the resilience toolkit around a call. Order, outermost first:
//
//   circuit breaker -> retry (classifier-driven, adaptive backoff) -> limiter -> timeout -> fn
//
// - The breaker is outermost so an open circuit fails fast without waiting for, or spending,
//   rate-limit tokens. It sees one outcome per whole retry sequence: an exhausted sequence of
//   transient failures counts as ONE breaker failure. Only failures classified 'retry' (network,
//   timeouts, 5xx, busy) count; 'fail', 'done' and 'wait-reset' errors pass through the breaker
//   without counting, because they say nothing about the exchange being down.
// - The limiter sits inside the retry loop because every attempt is a real request that costs
//   quota (a limiter outside the loop would let retries overspend it). Its wait is not part of
//   the attempt's timeout; the caller's signal aborts it.
// - The timeout bounds each attempt separately and aborts that attempt's signal.
// Critical calls (closing positions) bypass an open breaker and may use the limiter's reserve.
// Errors classified 'done' (e.g. KuCoin's 300009 no position to close) are rethrown unretried: only
// the caller knows what value "already done" stands for; its classifier's action tells it.
// Do not retry non-idempotent requests (order POSTs) unless they carry the same clientOid.
import { backoffDelay } from './backoff-options.js';
import { backoffFor } from './adaptive-backoff.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import { type Classification, classifyError } from './error-classifier.js';
import { extractErrorFacts } from './error-facts.js';
import type { Limiter } from './limiter.js';
import { createRetryRunner } from './retry-with-backoff.js';
import { withTimeout } from './with-timeout.js';

export interface ResilientRetryOptions {
  /** Overall cap on retries (default 3); each error kind's own cap (backoffFor) also applies. */
  maxRetries?: number;
  onRetry?: (error: unknown, attempt: number, classification: Classification) => void;
}

export interface ResilientCallOptions {
  limiter?: Limiter;
  /** The limiter pool each attempt draws on (default 'default'). */
  pool?: string;
  /** Tokens taken from the limiter per attempt (default 1). */
  cost?: number;
  breaker?: CircuitBreaker;
  /** false = a single attempt. */
  retry?: ResilientRetryOptions | false;
  /** Deadline per attempt, in milliseconds. */
  timeoutMs?: number;
  critical?: boolean;
  clock?: Clock;
  random?: () => number;
  /** Cancels everything: the limiter wait, the attempt in flight and any backoff sleep. */
  signal?: AbortSignal;
  /** Defaults to the generic classifier (no service codes); a service adapter passes its own. */
  classify?: (error: unknown) => Classification;
}

/** What the breaker returns for an error that must not count against it (rethrown outside). */
type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export async function resilientCall<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  options: ResilientCallOptions = {},
): Promise<T> {
  const { limiter, pool = 'default', cost = 1, breaker, timeoutMs, critical = false, clock, signal } = options;
  const classify = options.classify ?? classifyError;
  const retry = options.retry === false ? { maxRetries: 0 } : (options.retry ?? {});
  const random = options.random ?? Math.random;

  const run = createRetryRunner(
    {
      maxRetries: retry.maxRetries ?? 3,
      clock,
      retryable: (error, attempt) => {
        const c = classify(error);
        return c.retryable && attempt <= backoffFor(c).maxRetries;
      },
      delayFor: (error, attempt) => {
        const c = classify(error);
        const resetMs = c.action === 'wait-reset' ? extractErrorFacts(error).resetMs : undefined;
        return resetMs ?? backoffDelay(backoffFor(c), attempt - 1, random);
      },
      onRetry: retry.onRetry ? (error, attempt) => retry.onRetry?.(error, attempt, classify(error)) : undefined,
    },
    'resilientCall',
  );

  const attempts = (): Promise<T> =>
    run(async () => {
      await limiter?.acquire(pool, cost, critical ? 'critical' : 'normal', signal);
      return withTimeout(fn, timeoutMs, { clock, signal });
    }, signal);

  if (!breaker) return attempts();
  const outcome = await breaker.execute(
    async (): Promise<Outcome<T>> => {
      try {
        return { ok: true, value: await attempts() };
      } catch (error) {
        // A cancellation by our own caller says nothing about the exchange either.
        if (!signal?.aborted && classify(error).action === 'retry') throw error;
        return { ok: false, error };
      }
    },
    { critical },
  );
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
