// The one interface every request limiter satisfies, and the one priority type. The single-thread
// RateLimiter and the SharedArrayBuffer SharedRateLimiter (one bucket per pool shared by every
// worker thread) both implement it; the exchange client meters each request through whichever it
// is given, and fakes in tests and benches implement it too. Quotas are kept per named pool (KuCoin
// has 'public' and 'futures'): the pool names and sizes come from the caller, never from here.

/** Critical calls (closing positions, stop orders) may spend the reserve kept for them. */
export type CallPriority = 'normal' | 'critical';

/** What a server said about a pool's quota (KuCoin: one response's `gw-ratelimit-*` headers). */
export interface RateLimitSnapshot {
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the server resets the pool window. */
  readonly resetMs: number;
}

export interface Limiter<Pool extends string = string> {
  /**
   * Resolves once `weight` tokens of `pool` have been taken. Aborting `signal` rejects the wait
   * with the signal's reason and spends nothing.
   */
  acquire(pool: Pool, weight: number, priority: CallPriority, signal?: AbortSignal): Promise<void>;
  /** Server truth from a response: the limiter may only correct itself downward. */
  observe(pool: Pool, snapshot: RateLimitSnapshot): void;
  /** The server refused for quota (KuCoin 429000): the pool is empty until `resetMs` from now. */
  rateLimited(pool: Pool, resetMs: number): void;
}

/** A limiter that admits everything: for tools and tests that meter nothing. */
export const OPEN_LIMITER: Limiter = {
  acquire: () => Promise.resolve(),
  observe: () => undefined,
  rateLimited: () => undefined,
};
