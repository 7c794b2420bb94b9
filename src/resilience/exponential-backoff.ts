// Stateful exponential backoff (parity with the original Python ExponentialBackoff): it counts
// attempts, says whether another retry is allowed and sleeps on an injected clock.
import {
  type BackoffOptions,
  type ResolvedBackoffOptions,
  backoffDelay,
  resolveBackoffOptions,
} from './backoff-options.js';
import { type Clock, systemClock } from './clock.js';

export interface ExponentialBackoffOptions extends BackoffOptions {
  clock?: Clock;
  /** Uniform [0, 1) source for jitter; inject a seeded one for reproducible delays. */
  random?: () => number;
}

export class ExponentialBackoff {
  readonly options: Readonly<ResolvedBackoffOptions>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private attempts = 0;

  constructor(options: ExponentialBackoffOptions = {}) {
    this.options = resolveBackoffOptions(options, 'ExponentialBackoff');
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Retries consumed so far (0 after construction or reset). */
  get attempt(): number {
    return this.attempts;
  }

  /** True while fewer than maxRetries delays have been handed out. */
  shouldRetry(): boolean {
    return this.attempts < this.options.maxRetries;
  }

  /** The delay for the current attempt, then advances the attempt counter. */
  nextDelay(): number {
    const delay = backoffDelay(this.options, this.attempts, this.random);
    this.attempts += 1;
    return delay;
  }

  /**
   * Sleeps for the next delay and resolves true; resolves false at once (without sleeping or
   * advancing) when the retries are used up. Rejects if `signal` aborts during the sleep.
   */
  async sleep(signal?: AbortSignal): Promise<boolean> {
    if (!this.shouldRetry()) return false;
    await this.clock.sleep(this.nextDelay(), signal);
    return true;
  }

  reset(): void {
    this.attempts = 0;
  }
}
