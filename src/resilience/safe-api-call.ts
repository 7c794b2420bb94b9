// safeApiCall: the original bot's "never throw" wrapper, for best-effort reads (a ticker refresh,
// a status poll) where an absent value is acceptable. It retries with backoff, reports every
// failure through onError, and returns undefined instead of throwing after the last one.
// Never use it for orders: a swallowed failure there hides whether the order exists.
import type { BackoffOptions } from './backoff-options.js';
import type { Clock } from './clock.js';
import { createRetryRunner } from './retry-with-backoff.js';

export interface SafeApiCallOptions {
  /** Retries after the first call (default 3): fn runs at most maxRetries + 1 times. */
  maxRetries?: number;
  /** Called for EVERY failure, the last included, with the 1-based attempt number. */
  onError?: (error: unknown, attempt: number) => void;
  /** Delay schedule; its own maxRetries is ignored in favour of the option above. */
  backoff?: Omit<BackoffOptions, 'maxRetries'>;
  /** False = stop retrying (still reported and swallowed). Defaults to retrying everything. */
  retryable?: (error: unknown) => boolean;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
}

export async function safeApiCall<T>(fn: () => Promise<T>, options: SafeApiCallOptions = {}): Promise<T | undefined> {
  const { maxRetries = 3, onError, retryable } = options;
  const run = createRetryRunner(
    {
      ...options.backoff,
      maxRetries,
      clock: options.clock,
      random: options.random,
      retryable: retryable ? (e) => retryable(e) : undefined,
    },
    'safeApiCall',
  );
  try {
    return await run(async (attempt) => {
      try {
        return await fn();
      } catch (error) {
        onError?.(error, attempt);
        throw error;
      }
    }, options.signal);
  } catch {
    // Every failure already went to onError; swallowing is this helper's contract.
    return undefined;
  }
}
