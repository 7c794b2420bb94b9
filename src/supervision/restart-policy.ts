// When to restart a failed worker, and when to give up (OTP-style intensity): the first restart in
// a quiet period is immediate, repeats back off from `initialDelayMs` doubling to `maxDelayMs`, and
// more than `maxRestarts` within `windowMs` means something is systematically wrong. The delays are
// the resilience toolkit's exponential schedule; without jitter, since one supervisor restarting its
// own threads has no herd to spread (docs/ARCHITECTURE.md, section 4).
import { type ResolvedBackoffOptions, backoffDelay, resolveBackoffOptions } from '../resilience/backoff-options.js';

export interface RestartPolicyOptions {
  readonly maxRestarts: number;
  readonly windowMs: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export type RestartDecision =
  | { readonly verdict: 'restart'; readonly delayMs: number; readonly inWindow: number }
  | { readonly verdict: 'give-up'; readonly inWindow: number };

export class RestartPolicy {
  private history: number[] = [];
  private readonly backoff: ResolvedBackoffOptions;

  constructor(private readonly options: RestartPolicyOptions) {
    // maxRetries is not the budget here (maxRestarts within windowMs is); the schedule only needs the delays.
    this.backoff = resolveBackoffOptions(
      { baseDelay: options.initialDelayMs, maxDelay: options.maxDelayMs, factor: 2, jitter: 0 },
      'RestartPolicy',
    );
  }

  /** Decide about a failure at `now`; a 'restart' verdict is recorded as a restart. */
  next(now: number): RestartDecision {
    this.history = this.history.filter((t) => now - t < this.options.windowMs);
    const earlier = this.history.length;
    if (earlier + 1 > this.options.maxRestarts) return { verdict: 'give-up', inWindow: earlier + 1 };
    this.history.push(now);
    const delayMs = earlier === 0 ? 0 : backoffDelay(this.backoff, earlier - 1);
    return { verdict: 'restart', delayMs, inWindow: earlier + 1 };
  }

  /** Restarts recorded within the window ending at `now`. */
  recent(now: number): number {
    return this.history.filter((t) => now - t < this.options.windowMs).length;
  }
}
