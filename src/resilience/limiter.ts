// The one interface every request limiter satisfies: the single-thread RateLimiter here and the
// SharedArrayBuffer limiter shared by worker threads, so callers (resilientCall, the exchange
// client) never care which one they hold.

export type LimiterPriority = 'normal' | 'critical';

export interface LimiterVerdict {
  readonly ok: boolean;
  /** 0 when ok; otherwise milliseconds until the same request could be admitted. */
  readonly waitMs: number;
}

export interface AcquireOptions {
  /** Critical calls (closing positions, stop orders) may spend the reserve kept for them. */
  priority?: LimiterPriority;
  /** Aborting rejects the pending acquire with the signal's reason; no tokens are spent. */
  signal?: AbortSignal;
}

export interface Limiter {
  /** Non-blocking: takes `cost` tokens (default 1) if they are available now. */
  canProceed(cost?: number): LimiterVerdict;
  /** Resolves once `cost` tokens (default 1) have been taken. */
  acquire(cost?: number, opts?: AcquireOptions): Promise<void>;
}
