// Single-thread token bucket limiter: one bucket per pool, every pool shaped alike, created on first
// use. The arithmetic lives in token-bucket.ts, shared with the SharedArrayBuffer limiter, so both
// meter identically.
import { abortReason, type Clock, systemClock } from './clock.js';
import type { CallPriority, Limiter, RateLimitSnapshot } from './limiter.js';
import { type BucketParams, type BucketState, take, tokensAt } from './token-bucket.js';

export interface RateLimiterOptions {
  /** Most tokens held at once, per pool: the burst size. */
  capacity: number;
  /** Tokens added per second, per pool (e.g. KuCoin's 2000 per 30 s pool = 2000 / 30). */
  refillPerSecond: number;
  /**
   * Fraction of capacity in [0, 1) that only critical callers may spend (default 0), so scanning
   * can never starve risk management.
   */
  reserveFraction?: number;
  clock?: Clock;
}

/** Outcome of a non-blocking try. */
export interface LimiterVerdict {
  readonly ok: boolean;
  /** 0 when ok; otherwise milliseconds until the same request could be admitted. */
  readonly waitMs: number;
}

export class RateLimiter<Pool extends string = string> implements Limiter<Pool> {
  readonly params: BucketParams;
  /** Tokens normal-priority calls must leave in each bucket. */
  readonly reserve: number;
  private readonly clock: Clock;
  private readonly buckets = new Map<Pool, BucketState>();

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
  }

  /** Tokens of `pool` available right now (reserve included; negative while repaying a correction). */
  available(pool: Pool): number {
    return tokensAt(this.params, this.bucket(pool), this.clock.now());
  }

  /** Non-blocking: takes `weight` tokens of `pool` if they are available now. */
  tryAcquire(pool: Pool, weight = 1, priority: CallPriority = 'normal'): LimiterVerdict {
    const now = this.clock.now();
    const state = this.bucket(pool);
    const floor = priority === 'critical' ? 0 : this.reserve;
    const result = take(this.params, state, weight, now, floor);
    if (result.ok) {
      this.buckets.set(pool, result.state);
      return { ok: true, waitMs: 0 };
    }
    // After rateLimited() the refill restarts in the future: add the time until it does.
    return { ok: false, waitMs: result.waitMs + Math.max(0, state.updatedAt - now) };
  }

  /**
   * Waits on the clock until admitted. Waiters re-check after their computed wait, so this is not
   * strictly FIFO; a weight above what the priority may ever spend throws RangeError at once.
   */
  async acquire(pool: Pool, weight: number, priority: CallPriority, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const verdict = this.tryAcquire(pool, weight, priority);
      if (verdict.ok) return;
      await this.clock.sleep(Math.max(1, verdict.waitMs), signal);
    }
  }

  /**
   * Within the next `resetMs` the server will admit at most `remaining`; the bucket would admit its
   * tokens plus the refill over that time, so cap the tokens (possibly below zero: a debt). The
   * server only ever corrects us downward.
   */
  observe(pool: Pool, snapshot: RateLimitSnapshot): void {
    const { remaining, resetMs } = snapshot;
    if (!Number.isFinite(remaining) || !Number.isFinite(resetMs) || remaining < 0 || resetMs < 0) return;
    const now = this.clock.now();
    const state = this.bucket(pool);
    const allowed = remaining - this.params.refillPerMs * resetMs;
    if (allowed >= tokensAt(this.params, state, now)) return;
    this.buckets.set(pool, { tokens: allowed, updatedAt: Math.max(state.updatedAt, now) });
  }

  /**
   * The server said the quota is exhausted (KuCoin 429000): hold the bucket empty until `resetMs`
   * from now, then refill normally. The server is the truth, so this only ever lowers tokens.
   */
  rateLimited(pool: Pool, resetMs: number): void {
    const now = this.clock.now();
    const state = this.bucket(pool);
    const tokens = Math.min(0, tokensAt(this.params, state, now));
    this.buckets.set(pool, { tokens, updatedAt: Math.max(now + Math.max(0, resetMs), state.updatedAt) });
  }

  private bucket(pool: Pool): BucketState {
    const existing = this.buckets.get(pool);
    if (existing) return existing;
    const fresh = { tokens: this.params.capacity, updatedAt: this.clock.now() };
    this.buckets.set(pool, fresh);
    return fresh;
  }
}
