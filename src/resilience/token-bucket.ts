// The token arithmetic shared by the single-thread RateLimiter and the SharedArrayBuffer limiter:
// both call these pure functions, so the two can never drift apart.

export interface BucketParams {
  /** Most tokens the bucket can hold (the burst). */
  readonly capacity: number;
  /** Tokens added per millisecond. */
  readonly refillPerMs: number;
}

export interface BucketState {
  readonly tokens: number;
  /** Clock reading (ms) at which `tokens` was last brought up to date. */
  readonly updatedAt: number;
}

/** Tokens available at `now`: the stored tokens plus what refilled since, capped at capacity. */
export function tokensAt(params: BucketParams, state: BucketState, now: number): number {
  const elapsed = Math.max(0, now - state.updatedAt);
  return Math.min(params.capacity, state.tokens + elapsed * params.refillPerMs);
}

export type TakeResult =
  | { readonly ok: true; readonly state: BucketState }
  | { readonly ok: false; readonly waitMs: number };

/**
 * Try to take `cost` tokens at `now`, never dipping below `floor` (a reserve kept for critical
 * callers). On refusal, `waitMs` is how long until enough tokens will have refilled.
 */
export function take(params: BucketParams, state: BucketState, cost: number, now: number, floor = 0): TakeResult {
  if (!(cost > 0) || !Number.isFinite(cost))
    throw new RangeError(`token cost must be a positive finite number, got ${cost}`);
  if (cost + floor > params.capacity) {
    throw new RangeError(`token cost ${cost} (+ reserve ${floor}) exceeds bucket capacity ${params.capacity}`);
  }
  const available = tokensAt(params, state, now);
  if (available - cost >= floor) return { ok: true, state: { tokens: available - cost, updatedAt: now } };
  return { ok: false, waitMs: waitMsFor(params, available, cost + floor) };
}

/** Milliseconds until `available` tokens grow to `needed`; Infinity if the bucket never refills. */
export function waitMsFor(params: BucketParams, available: number, needed: number): number {
  const deficit = needed - available;
  if (deficit <= 0) return 0;
  if (params.refillPerMs <= 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(deficit / params.refillPerMs);
}
