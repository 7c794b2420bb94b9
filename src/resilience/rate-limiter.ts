// Single-thread token bucket limiter. The arithmetic lives in token-bucket.ts, shared with the
// SharedArrayBuffer limiter, so both meter identically.
import { abortReason, type Clock, systemClock } from './clock.js';
import type { AcquireOptions, Limiter, LimiterPriority, LimiterVerdict } from './limiter.js';
import { type BucketParams, type BucketState, take, tokensAt } from './token-bucket.js';

export interface RateLimiterOptions {
  /** Most tokens held at once: the burst size. */
  capacity: number;
  /** Tokens added per second (e.g. KuCoin's 2000 per 30 s pool = 2000 / 30). */
  refillPerSecond: number;
  /**
   * Fraction of capacity in [0, 1) that only critical callers may spend (default 0), so scanning
   * can never starve risk management.
   */
  reserveFraction?: number;
  clock?: Clock;
}

export class RateLimiter implements Limiter {
  readonly params: BucketParams;
  /** Tokens normal-priority calls must leave in the bucket. */
  readonly reserve: number;
  private readonly clock: Clock;
  private state: BucketState;

  constructor(options: RateLimiterOptions) {
    const { capacity, refillPerSecond, reserveFraction = 0 } = options;
    if (!Number.isFinite(capacity) || capacity <= 0) {
      throw new RangeError(`RateLimiter: option "capacity" must be a finite number > 0, got ${capacity}`);
    }
    if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0) {
      throw new RangeError(`RateLimiter: option "refillPerSecond" must be a finite number > 0, got ${refillPerSecond}`);
    }
    if (!(reserveFraction >= 0 && reserveFraction < 1)) {
      throw new RangeError(`RateLimiter: option "reserveFraction" must be in [0, 1), got ${reserveFraction}`);
    }
    this.params = { capacity, refillPerMs: refillPerSecond / 1000 };
    this.reserve = capacity * reserveFraction;
    this.clock = options.clock ?? systemClock;
    this.state = { tokens: capacity, updatedAt: this.clock.now() };
  }

  /** Tokens available right now (reserve included). */
  available(): number {
    return tokensAt(this.params, this.state, this.clock.now());
  }

  /** Consumes `cost` tokens when ok. The optional priority extends the Limiter interface. */
  canProceed(cost = 1, priority: LimiterPriority = 'normal'): LimiterVerdict {
    const now = this.clock.now();
    const floor = priority === 'critical' ? 0 : this.reserve;
    const result = take(this.params, this.state, cost, now, floor);
    if (result.ok) {
      this.state = result.state;
      return { ok: true, waitMs: 0 };
    }
    // After rateLimited() the refill restarts in the future: add the time until it does.
    return { ok: false, waitMs: result.waitMs + Math.max(0, this.state.updatedAt - now) };
  }

  /**
   * Waits on the clock until admitted. Waiters re-check after their computed wait, so this is not
   * strictly FIFO; a cost above what the priority may ever spend throws RangeError at once.
   */
  async acquire(cost = 1, opts: AcquireOptions = {}): Promise<void> {
    const { priority = 'normal', signal } = opts;
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const verdict = this.canProceed(cost, priority);
      if (verdict.ok) return;
      await this.clock.sleep(Math.max(1, verdict.waitMs), signal);
    }
  }

  /**
   * The server said the quota is exhausted (KuCoin 429000): hold the bucket empty until `resetMs`
   * from now, then refill normally. The server is the truth, so this only ever lowers tokens.
   */
  rateLimited(resetMs: number): void {
    const now = this.clock.now();
    this.state = { tokens: 0, updatedAt: Math.max(now + Math.max(0, resetMs), this.state.updatedAt) };
  }
}
