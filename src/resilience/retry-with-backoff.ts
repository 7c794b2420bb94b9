// Retry with exponential backoff, in two forms built on one runner:
//   - a standard TC39 method decorator:  @retryWithBackoff({ maxRetries: 3 }) async fetch() {...}
//   - a function wrapper:                 const get = retryWithBackoff(opts)(fetchTicker)
//                                         or withRetry(fetchTicker, opts)
// Both return a function with the same parameters and `this`. Options are validated once, when
// the decorator/wrapper is created, not on every call.
import { type BackoffOptions, backoffDelay, resolveBackoffOptions } from './backoff-options.js';
import { type Clock, systemClock } from './clock.js';

export interface RetryOptions extends BackoffOptions {
  /** Called before each retry's sleep with the error and the 1-based number of the failed attempt. */
  onRetry?: (error: unknown, attempt: number) => void;
  /** False = rethrow at once without further attempts. Defaults to retrying every error. */
  retryable?: (error: unknown, attempt: number) => boolean;
  /**
   * Overrides the backoff delay for this error (e.g. a server-given reset time); return undefined
   * to use the exponential schedule.
   */
  delayFor?: (error: unknown, attempt: number) => number | undefined;
  clock?: Clock;
  random?: () => number;
}

/** Runs `fn(attempt)` (attempt is 1-based) until it resolves or retries run out. */
export type RetryRunner = <T>(fn: (attempt: number) => Promise<T>, signal?: AbortSignal) => Promise<T>;

/**
 * Builds the retry loop. The call runs at most maxRetries + 1 times; after the last failure the
 * ORIGINAL error object is rethrown (not wrapped), so callers can still inspect its code.
 * An abort of `signal` during a backoff sleep rejects with the signal's reason.
 */
export function createRetryRunner(options: RetryOptions = {}, owner = 'retryWithBackoff'): RetryRunner {
  const o = resolveBackoffOptions(options, owner);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  return async function run<T>(fn: (attempt: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await fn(attempt);
      } catch (error) {
        const canRetry = attempt <= o.maxRetries && !signal?.aborted && (options.retryable?.(error, attempt) ?? true);
        if (!canRetry) throw error;
        options.onRetry?.(error, attempt);
        const delay = options.delayFor?.(error, attempt) ?? backoffDelay(o, attempt - 1, random);
        await clock.sleep(delay, signal);
      }
    }
  };
}

type AsyncMethod<This, Args extends unknown[], R> = (this: This, ...args: Args) => Promise<R>;

/** Decorator factory and wrapper factory in one (see the file header). */
export function retryWithBackoff(options: RetryOptions = {}) {
  const run = createRetryRunner(options);
  return function retried<This, Args extends unknown[], R>(
    target: AsyncMethod<This, Args, R>,
    context?: ClassMethodDecoratorContext<This, AsyncMethod<This, Args, R>>,
  ): AsyncMethod<This, Args, R> {
    if (context !== undefined && context.kind !== 'method') {
      throw new TypeError(`retryWithBackoff decorates methods only, not a ${String(context.kind)}`);
    }
    return function (this: This, ...args: Args): Promise<R> {
      return run(() => target.apply(this, args));
    };
  };
}

/** Function-wrapper shorthand: withRetry(fn, opts) === retryWithBackoff(opts)(fn). */
export function withRetry<This, Args extends unknown[], R>(
  fn: AsyncMethod<This, Args, R>,
  options: RetryOptions = {},
): AsyncMethod<This, Args, R> {
  return retryWithBackoff(options)(fn);
}
