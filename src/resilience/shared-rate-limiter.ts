// One token bucket per KuCoin quota pool, shared by every thread through a SharedArrayBuffer and
// updated lock-free with Atomics.compareExchange. The arithmetic is token-bucket.ts's (the same as
// the single-thread RateLimiter), applied to whole milli-tokens so the state packs into one word.
//
// Sizing. KuCoin counts a fixed window that opens at the first request. A token bucket with capacity
// C refilling r per ms admits at most C + r*W in ANY interval of length W (the tokens held at its
// start plus the refill during it), so choosing C + r*W = quota guarantees that no 30 s window,
// however it is aligned, can exceed the quota. A plain bucket with C = quota (refilling quota/W)
// would admit up to 2x the quota in one window. We take C = 10 % of the quota (a 200-token burst) and
// r = 90 % of the quota per window: at saturation the bucket sustains 90 % of the quota.
//
// Reserve. Normal calls may not take the bucket below `reserve` (default 20 % of the capacity);
// critical calls (closes, stop orders) may use it, so scanning can never starve risk management.
//
// Generic: the pools, their quotas and the window are passed in (the KuCoin values are
// KUCOIN_LIMITS in src/exchange/endpoints.ts). Every thread attaching a buffer names the same pools
// in the same order: a pool's position is its slot in the layout.
import { type Clock, systemClock } from './clock.js';
import type { CallPriority, Limiter, RateLimitSnapshot } from './limiter.js';
import { take, tokensAt, waitMsFor, type BucketParams } from './token-bucket.js';
import {
  Counter,
  INT_FIELDS,
  MAX_MILLI_TOKENS,
  PARAM_FIELDS,
  Param,
  STATE_FIELDS,
  State,
  counterIndex,
  limiterLayout,
  packBucket,
  paramIndex,
  stateIndex,
  unpackBucket,
} from './shared-limiter-layout.js';

/**
 * Epoch milliseconds that read the same in every thread of the process, at sub-millisecond
 * resolution (Date.now is whole ms; performance.now alone has a per-thread origin).
 */
const sharedClock: Pick<Clock, 'now'> = { now: () => performance.timeOrigin + performance.now() };

/** The pools a buffer holds, in slot order; every thread attaching the buffer names the same list. */
export interface LimiterPools<P extends string> {
  readonly pools: readonly P[];
}

export interface SharedRateLimiterOptions<P extends string> extends LimiterPools<P> {
  /** Requests the server allows per window, per pool (KuCoin VIP0: 2000 each). */
  readonly quota: Readonly<Record<P, number>>;
  /** Length of the server's quota window in ms (KuCoin: 30 s). */
  readonly windowMs: number;
  /** Bucket capacity as a fraction of the quota; the rest is refill. Default 0.1. */
  readonly burstFraction?: number;
  /** Share of the capacity only critical calls may use. Default 0.2. */
  readonly reserveFraction?: number;
  /** Epoch-ms wall time; must agree across threads. Default `sharedClock`. */
  readonly clock?: Pick<Clock, 'now'>;
  /**
   * 'local' (default): the bucket refills itself. 'external': it never refills by itself; tokens
   * arrive through `deposit` (the cluster layer hands out the account-wide quota in blocks).
   */
  readonly refill?: 'local' | 'external';
}

export interface AttachOptions<P extends string> extends LimiterPools<P> {
  readonly clock?: Pick<Clock, 'now'>;
}

export const SHARED_LIMITER_DEFAULTS = {
  burstFraction: 0.1,
  reserveFraction: 0.2,
} as const;

// Atomics.waitAsync is in ES2024's lib; the project compiles against ES2023, Node 20 has it.
type WaitAsyncResult =
  | { readonly async: false; readonly value: 'not-equal' | 'timed-out' }
  | { readonly async: true; readonly value: Promise<'ok' | 'timed-out'> };
const waitAsync = (
  Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): WaitAsyncResult }
).waitAsync;

/** The longest single wait; waiters re-check at least this often (cheap, and bounds abort latency). */
const MAX_WAIT_SLICE_MS = 1000;

export type TryAcquireResult =
  | { readonly ok: true; readonly at: number }
  | { readonly ok: false; readonly waitMs: number };

export interface PoolParams {
  readonly capacity: number;
  readonly refillPerMs: number;
  readonly reserve: number;
}

const SETTLED: Promise<void> = Promise.resolve();

function views(
  buffer: SharedArrayBuffer,
  poolCount: number,
): { params: Float64Array; state: BigUint64Array; ints: Int32Array } {
  const layout = limiterLayout(poolCount);
  return {
    params: new Float64Array(buffer, layout.paramsByteOffset, PARAM_FIELDS * poolCount),
    state: new BigUint64Array(buffer, layout.stateByteOffset, STATE_FIELDS * poolCount),
    ints: new Int32Array(buffer, layout.intByteOffset, INT_FIELDS * poolCount),
  };
}

function poolIndexes<P extends string>(pools: readonly P[]): ReadonlyMap<P, number> {
  if (pools.length === 0) throw new RangeError('pools must name at least one pool');
  const index = new Map(pools.map((pool, i) => [pool, i] as const));
  if (index.size !== pools.length) throw new RangeError(`pools must be distinct, got ${pools.join(', ')}`);
  return index;
}

export class SharedRateLimiter<P extends string = string> implements Limiter<P> {
  readonly pools: readonly P[];
  private readonly index: ReadonlyMap<P, number>;
  private readonly params: Float64Array;
  private readonly state: BigUint64Array;
  private readonly ints: Int32Array;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly origin: number;

  private constructor(
    readonly buffer: SharedArrayBuffer,
    pools: readonly P[],
    clock: Pick<Clock, 'now'>,
  ) {
    this.pools = [...pools];
    this.index = poolIndexes(pools);
    ({ params: this.params, state: this.state, ints: this.ints } = views(buffer, pools.length));
    this.clock = clock;
    this.origin = this.params[paramIndex(0, Param.originMs)] ?? 0;
  }

  /** Allocates and initialises a buffer (full buckets); post `limiter.buffer` to workers. */
  static create<P extends string>(options: SharedRateLimiterOptions<P>): SharedRateLimiter<P> {
    const clock = options.clock ?? sharedClock;
    const { windowMs, pools } = options;
    const burst = options.burstFraction ?? SHARED_LIMITER_DEFAULTS.burstFraction;
    const reserveFraction = options.reserveFraction ?? SHARED_LIMITER_DEFAULTS.reserveFraction;
    if (!(Number.isFinite(windowMs) && windowMs > 0))
      throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
    if (!(burst > 0 && burst < 1)) throw new RangeError(`burstFraction must be in (0, 1), got ${burst}`);
    if (!(reserveFraction >= 0 && reserveFraction < 1)) {
      throw new RangeError(`reserveFraction must be in [0, 1), got ${reserveFraction}`);
    }
    poolIndexes(pools);
    const buffer = new SharedArrayBuffer(limiterLayout(pools.length).bufferBytes);
    const { params, state } = views(buffer, pools.length);
    // Start one ms in the past so a thread whose clock reads a hair behind never sees a negative time.
    const origin = Math.floor(clock.now()) - 1;
    for (const [i, pool] of pools.entries()) {
      const quota = options.quota[pool];
      if (!(Number.isInteger(quota) && quota > 0))
        throw new RangeError(`quota.${pool} must be a positive integer, got ${quota}`);
      const capacityMilli = Math.floor(quota * burst * 1000);
      if (capacityMilli > MAX_MILLI_TOKENS) {
        throw new RangeError(
          `quota.${pool} × burstFraction (${quota * burst}) exceeds ${MAX_MILLI_TOKENS / 1000} tokens`,
        );
      }
      if (capacityMilli < 1000) throw new RangeError(`quota.${pool} × burstFraction must be at least 1 token`);
      const refill = options.refill === 'external' ? 0 : (quota * 1000 - capacityMilli) / windowMs;
      params[paramIndex(i, Param.capacityMilli)] = capacityMilli;
      params[paramIndex(i, Param.refillMilliPerMs)] = refill;
      params[paramIndex(i, Param.reserveMilli)] = Math.floor(capacityMilli * reserveFraction);
      params[paramIndex(i, Param.originMs)] = origin;
      // An externally refilled bucket starts empty: every token it spends was handed to it.
      const initial = options.refill === 'external' ? 0 : capacityMilli;
      Atomics.store(state, stateIndex(i, State.bucket), packBucket({ tokensMilli: initial, atMs: 1 }));
    }
    return new SharedRateLimiter(buffer, pools, clock);
  }

  /** A view of a buffer made by `create` (in this or another thread) with the same `pools`. */
  static attach<P extends string>(buffer: SharedArrayBuffer, options: AttachOptions<P>): SharedRateLimiter<P> {
    if (!(buffer instanceof SharedArrayBuffer)) throw new TypeError('buffer must be a SharedArrayBuffer');
    const needed = limiterLayout(options.pools.length).bufferBytes;
    if (buffer.byteLength !== needed) {
      throw new RangeError(
        `buffer has ${buffer.byteLength} bytes, the limiter layout needs ${needed} for ${options.pools.length} pools`,
      );
    }
    return new SharedRateLimiter(buffer, options.pools, options.clock ?? sharedClock);
  }

  poolParams(pool: P): PoolParams {
    const b = this.bucketParams(pool);
    return { capacity: b.capacity / 1000, refillPerMs: b.refillPerMs / 1000, reserve: this.reserveMilli(pool) / 1000 };
  }

  /** Tokens available now (may be negative while the bucket repays a correction). */
  available(pool: P): number {
    const b = unpackBucket(Atomics.load(this.state, stateIndex(this.slot(pool), State.bucket)));
    const now = this.nowRel();
    if (b.atMs > now) return Math.min(0, b.tokensMilli / 1000);
    return tokensAt(this.bucketParams(pool), { tokens: b.tokensMilli, updatedAt: b.atMs }, now) / 1000;
  }

  stats(pool: P): { admitted: number; rateLimitedHits: number } {
    return {
      admitted: Atomics.load(this.ints, counterIndex(this.slot(pool), Counter.admitted)) >>> 0,
      rateLimitedHits: Atomics.load(this.ints, counterIndex(this.slot(pool), Counter.rateLimitedHits)) >>> 0,
    };
  }

  /** Takes `weight` tokens now if it can; otherwise says how long to wait. Never blocks. */
  tryAcquire(pool: P, weight: number, priority: CallPriority): TryAcquireResult {
    const params = this.bucketParams(pool);
    const cost = weight * 1000;
    const floor = priority === 'critical' ? 0 : this.reserveMilli(pool);
    const idx = stateIndex(this.slot(pool), State.bucket);
    for (;;) {
      const word = Atomics.load(this.state, idx);
      const b = unpackBucket(word);
      const now = this.nowRel();
      if (b.atMs > now) {
        // Blocked by a 429 (or this thread's clock reads a hair behind the last writer's).
        return { ok: false, waitMs: b.atMs - now + waitMsFor(params, b.tokensMilli, cost + floor) };
      }
      const result = take(params, { tokens: b.tokensMilli, updatedAt: b.atMs }, cost, now, floor);
      if (!result.ok) return { ok: false, waitMs: result.waitMs };
      const next = packBucket({ tokensMilli: result.state.tokens, atMs: now });
      // The load above and this exchange bracket the whole read-modify-write: if any thread changed
      // the word in between, the exchange fails and we recompute from the fresh value (lock-free:
      // a retry only happens because another thread made progress).
      if (Atomics.compareExchange(this.state, idx, word, next) === word) {
        Atomics.add(this.ints, counterIndex(this.slot(pool), Counter.admitted), 1);
        if (priority === 'critical') Atomics.add(this.ints, counterIndex(this.slot(pool), Counter.criticalAdmitted), 1);
        return { ok: true, at: this.origin + now };
      }
    }
  }

  acquire(pool: P, weight: number, priority: CallPriority, signal?: AbortSignal): Promise<void> {
    // Fast path: tokens are there, so skip the async machinery (two promises per call) and hand back
    // one already-settled promise. Only a caller that has to wait pays for acquireAt's loop.
    if (!signal?.aborted && this.tryAcquire(pool, weight, priority).ok) return SETTLED;
    return this.acquireAt(pool, weight, priority, signal).then(() => undefined);
  }

  /** Like `acquire`, resolving with the clock reading (epoch ms) at which the tokens were taken. */
  async acquireAt(pool: P, weight: number, priority: CallPriority, signal?: AbortSignal): Promise<number> {
    const wakeIdx = counterIndex(this.slot(pool), Counter.wake);
    const waitingIdx = counterIndex(this.slot(pool), Counter.criticalWaiting);
    let waiting = false;
    try {
      for (;;) {
        signal?.throwIfAborted();
        // Read the wake counter before trying: a correction landing after the try bumps it, so the
        // wait below returns at once instead of sleeping on a stale estimate.
        const seen = Atomics.load(this.ints, wakeIdx);
        const result = this.tryAcquire(pool, weight, priority);
        if (result.ok) return result.at;
        if (priority === 'critical' && !waiting) {
          waiting = true;
          Atomics.add(this.ints, waitingIdx, 1);
        }
        await this.sleepOn(wakeIdx, seen, result.waitMs, signal);
      }
    } finally {
      if (waiting) Atomics.sub(this.ints, waitingIdx, 1);
    }
  }

  /** Critical admissions so far and critical callers waiting now (the cluster layer's reserve cue). */
  criticalDemand(pool: P): { admitted: number; waiting: number } {
    return {
      admitted: Atomics.load(this.ints, counterIndex(this.slot(pool), Counter.criticalAdmitted)) >>> 0,
      waiting: Atomics.load(this.ints, counterIndex(this.slot(pool), Counter.criticalWaiting)),
    };
  }

  observe(pool: P, snapshot: RateLimitSnapshot): void {
    const { remaining, resetMs } = snapshot;
    if (!Number.isFinite(remaining) || !Number.isFinite(resetMs) || remaining < 0 || resetMs < 0) return;
    // Kept for the cluster layer, which forwards the server's view to the account-wide bucket.
    Atomics.store(
      this.ints,
      counterIndex(this.slot(pool), Counter.serverRemaining),
      Math.min(remaining, 0x7fffffff) | 0,
    );
    Atomics.store(
      this.ints,
      counterIndex(this.slot(pool), Counter.serverResetAt),
      Math.min(this.nowRel() + resetMs, 0x7fffffff) | 0,
    );
    Atomics.add(this.ints, counterIndex(this.slot(pool), Counter.serverSeq), 1);
    const params = this.bucketParams(pool);
    // Within the next `resetMs` we may admit at most `remaining`; the bucket would admit its tokens
    // plus the refill over that time, so cap the tokens (possibly below zero: a debt) accordingly.
    const allowed = remaining * 1000 - params.refillPerMs * resetMs;
    this.update(pool, (b, now) => {
      const current =
        b.atMs > now ? b.tokensMilli : tokensAt(params, { tokens: b.tokensMilli, updatedAt: b.atMs }, now);
      if (allowed >= current) return undefined; // the server only ever corrects us downward
      return { tokensMilli: allowed, atMs: Math.max(b.atMs, now) };
    });
  }

  rateLimited(pool: P, resetMs: number): void {
    Atomics.add(this.ints, counterIndex(this.slot(pool), Counter.rateLimitedHits), 1);
    this.pause(pool, resetMs);
  }

  /** Empties the pool until `resetMs` from now without counting a 429 (a pause another process saw). */
  pause(pool: P, resetMs: number): void {
    const pause = Number.isFinite(resetMs) && resetMs > 0 ? resetMs : 0;
    const params = this.bucketParams(pool);
    // Empty the bucket and stamp it in the future: no refill is counted before the server's reset.
    this.update(pool, (b, now) => {
      const current =
        b.atMs > now ? b.tokensMilli : tokensAt(params, { tokens: b.tokensMilli, updatedAt: b.atMs }, now);
      return { tokensMilli: Math.min(current, 0), atMs: Math.max(b.atMs, now + pause) };
    });
  }

  /**
   * Adds tokens handed out by an external source ('external' refill), capped at the capacity.
   * Returns how many were added; the caller gives the rest back.
   */
  deposit(pool: P, tokens: number): number {
    if (!(Number.isFinite(tokens) && tokens > 0)) return 0;
    const params = this.bucketParams(pool);
    let added = 0;
    this.update(pool, (b, now) => {
      const current =
        b.atMs > now ? b.tokensMilli : tokensAt(params, { tokens: b.tokensMilli, updatedAt: b.atMs }, now);
      const next = Math.min(params.capacity, current + tokens * 1000);
      added = Math.max(0, next - current) / 1000;
      return { tokensMilli: next, atMs: Math.max(b.atMs, now) };
    });
    return added;
  }

  /** Takes out every whole token above `keep` (unused tokens to give back). Returns how many. */
  withdrawAbove(pool: P, keep: number): number {
    const params = this.bucketParams(pool);
    const idx = stateIndex(this.slot(pool), State.bucket);
    for (;;) {
      const word = Atomics.load(this.state, idx);
      const b = unpackBucket(word);
      const now = this.nowRel();
      if (b.atMs > now) return 0;
      const current = tokensAt(params, { tokens: b.tokensMilli, updatedAt: b.atMs }, now);
      const out = Math.floor((current - keep * 1000) / 1000);
      if (out <= 0) return 0;
      const next = packBucket({ tokensMilli: current - out * 1000, atMs: now });
      if (Atomics.compareExchange(this.state, idx, word, next) === word) return out;
    }
  }

  /** The latest gw-ratelimit view any thread stored: `seq` changes when a new one arrives. */
  serverView(pool: P): { seq: number; remaining: number; resetAtMs: number } {
    const seq = Atomics.load(this.ints, counterIndex(this.slot(pool), Counter.serverSeq));
    return {
      seq,
      remaining: Atomics.load(this.ints, counterIndex(this.slot(pool), Counter.serverRemaining)),
      resetAtMs: this.origin + Atomics.load(this.ints, counterIndex(this.slot(pool), Counter.serverResetAt)),
    };
  }

  /** Epoch ms until which the pool is paused (a 429), or 0. */
  pausedUntil(pool: P): number {
    const b = unpackBucket(Atomics.load(this.state, stateIndex(this.slot(pool), State.bucket)));
    return b.atMs > this.nowRel() ? this.origin + b.atMs : 0;
  }

  private update(
    pool: P,
    change: (
      b: { tokensMilli: number; atMs: number },
      now: number,
    ) => { tokensMilli: number; atMs: number } | undefined,
  ): void {
    const idx = stateIndex(this.slot(pool), State.bucket);
    for (;;) {
      const word = Atomics.load(this.state, idx);
      const next = change(unpackBucket(word), this.nowRel());
      if (next === undefined) return;
      if (Atomics.compareExchange(this.state, idx, word, packBucket(next)) === word) break;
    }
    const wakeIdx = counterIndex(this.slot(pool), Counter.wake);
    Atomics.add(this.ints, wakeIdx, 1);
    Atomics.notify(this.ints, wakeIdx);
  }

  private async sleepOn(wakeIdx: number, seen: number, waitMs: number, signal?: AbortSignal): Promise<void> {
    const ms = Math.max(1, Math.min(Number.isFinite(waitMs) ? waitMs : MAX_WAIT_SLICE_MS, MAX_WAIT_SLICE_MS));
    const waited = waitAsync(this.ints, wakeIdx, seen, ms);
    if (!waited.async) return; // the counter moved already: recompute at once
    // A pending waitAsync does not keep Node's event loop alive; this (real) timer does, and does nothing.
    // It repeats until the wait settles: a one-shot timer at ms + 5 could fire first on a loaded machine
    // (the wait's own timeout settles through another queue), and the worker would exit mid-wait.
    const keepAlive = systemClock.setInterval(() => undefined, ms + 5);
    let onAbort: (() => void) | undefined;
    try {
      const aborted = new Promise<void>((resolve) => {
        if (!signal) return;
        onAbort = resolve;
        signal.addEventListener('abort', onAbort, { once: true });
      });
      await Promise.race([waited.value, aborted]);
    } finally {
      keepAlive.cancel();
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  private bucketParams(pool: P): BucketParams {
    return {
      capacity: this.params[paramIndex(this.slot(pool), Param.capacityMilli)] ?? 0,
      refillPerMs: this.params[paramIndex(this.slot(pool), Param.refillMilliPerMs)] ?? 0,
    };
  }

  private reserveMilli(pool: P): number {
    return this.params[paramIndex(this.slot(pool), Param.reserveMilli)] ?? 0;
  }

  /** The pool's position in the layout; an unknown pool is a programming error. */
  private slot(pool: P): number {
    const i = this.index.get(pool);
    if (i === undefined) throw new RangeError(`unknown pool "${pool}"; this limiter has ${this.pools.join(', ')}`);
    return i;
  }

  private nowRel(): number {
    return Math.max(0, Math.floor(this.clock.now() - this.origin));
  }
}
