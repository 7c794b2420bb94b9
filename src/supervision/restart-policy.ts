// When to restart a failed worker, and when to give up (OTP-style intensity): the first restart in
// a quiet period is immediate, repeats back off from `initialDelayMs` doubling to `maxDelayMs`, and
// more than `maxRestarts` within `windowMs` means something is systematically wrong.
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

  constructor(private readonly options: RestartPolicyOptions) {}

  /** Decide about a failure at `now`; a 'restart' verdict is recorded as a restart. */
  next(now: number): RestartDecision {
    this.history = this.history.filter((t) => now - t < this.options.windowMs);
    const earlier = this.history.length;
    if (earlier + 1 > this.options.maxRestarts) return { verdict: 'give-up', inWindow: earlier + 1 };
    this.history.push(now);
    const delayMs = earlier === 0 ? 0 : Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** (earlier - 1));
    return { verdict: 'restart', delayMs, inWindow: earlier + 1 };
  }

  /** Restarts recorded within the window ending at `now`. */
  recent(now: number): number {
    return this.history.filter((t) => now - t < this.options.windowMs).length;
  }
}
