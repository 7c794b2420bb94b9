// Keeps the local SharedArrayBuffer bucket (created with refill 'external') stocked from the
// account-wide Redis bucket, one block per round trip, and carries the local news the other way:
// a 429 one of our threads saw (the pause rides on the next take and is PUBLISHed to every
// process) and the latest gw-ratelimit correction.
//
//   local tokens < reserve while critical calls wait or spent it
//                                     -> take a block as 'critical' (may use the shared reserve)
//   local tokens < reserve + block/2  -> take a block as 'normal' (Redis keeps its reserve)
//   idle (nothing admitted) > idleMs  -> give the tokens above the reserve back
//   Redis down                        -> refill locally at 1/N of the pool rate (N = peers last seen)
//
// Only this class writes tokens into the bucket; every thread spends them lock-free as before.
import { QUOTA_POOLS as POOLS, type QuotaPool } from '../exchange/endpoints.js';
import type { SharedRateLimiter } from '../resilience/shared-rate-limiter.js';
import type { ClusterQuota, PoolShape, TakeRequest } from './cluster-quota.js';
import type { RedisConnection } from './redis-connection.js';
import { type Clock, type TimerHandle, sleepOn, systemClock } from '../resilience/clock.js';
import { backoffDelay } from '../resilience/backoff-options.js';
import { defined } from '../invariant/invariant-error.js';

export interface QuotaRefillerOptions {
  readonly limiter: SharedRateLimiter;
  readonly quota: ClusterQuota;
  readonly connection: RedisConnection;
  /** The account-wide bucket of each pool (its capacity, refill and reserve). */
  readonly shapes: Readonly<Record<QuotaPool, PoolShape>>;
  /** Processes last seen on the account (the N of the 1/N fallback share). */
  readonly peers: () => number;
  /** Tokens per Redis round trip. Default 20 % of the bucket capacity. */
  readonly blockTokens?: number;
  /** Default 25 ms. */
  readonly tickMs?: number;
  /** Give unused tokens back after this long without an admission. Default 2000 ms. */
  readonly idleMs?: number;
  /** Wall time, the refill tick and the wait for a reserved block. Default systemClock. */
  readonly clock?: Clock;
  /** Spreads retries after a refusal, so processes do not race for the same tokens. Default Math.random. */
  readonly random?: () => number;
}

export interface RefillStats {
  /** Redis round trips for quota (takes, give-backs, forwarded pauses). */
  readonly roundTrips: number;
  readonly tokensTaken: Readonly<Record<QuotaPool, number>>;
  readonly tokensReturned: Readonly<Record<QuotaPool, number>>;
  /** The share of the pool this process may use now: 1 while Redis coordinates, 1/N when down. */
  readonly share: number;
}

interface PoolState {
  busy: boolean;
  retryAt: number;
  hitsSeen: number;
  serverSeq: number;
  lastAdmitted: number;
  lastAdmissionAt: number;
  lastFallbackAt: number;
  criticalSeen: number;
}

/**
 * The wait before asking again after a refusal, uniform in [wait, 2 * wait): the toolkit's jittered
 * delay centred on 1.5 * wait with a ±1/3 spread.
 */
function refusalRetryDelay(wait: number, random: () => number): number {
  return backoffDelay(
    { baseDelay: 1.5 * wait, maxDelay: 2 * wait, maxRetries: 0, factor: 1, jitter: 1 / 3 },
    0,
    random,
  );
}

export class QuotaRefiller {
  private readonly state = new Map<QuotaPool, PoolState>();
  private readonly clock: Clock;
  private timer: TimerHandle | undefined;
  private roundTrips = 0;
  private readonly tokensTaken: Record<QuotaPool, number> = { public: 0, futures: 0 };
  private readonly tokensReturned: Record<QuotaPool, number> = { public: 0, futures: 0 };

  constructor(private readonly o: QuotaRefillerOptions) {
    this.clock = o.clock ?? systemClock;
    const now = this.clock.now();
    for (const pool of POOLS) {
      const stats = o.limiter.stats(pool);
      this.state.set(pool, {
        busy: false,
        retryAt: 0,
        hitsSeen: stats.rateLimitedHits,
        serverSeq: o.limiter.serverView(pool).seq,
        lastAdmitted: stats.admitted,
        lastAdmissionAt: now,
        lastFallbackAt: now,
        criticalSeen: o.limiter.criticalDemand(pool).admitted,
      });
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = this.clock.setInterval(() => void this.tick(), this.o.tickMs ?? 25).unref();
  }

  stats(): RefillStats {
    return {
      roundTrips: this.roundTrips,
      tokensTaken: { ...this.tokensTaken },
      tokensReturned: { ...this.tokensReturned },
      share: this.o.connection.state === 'up' ? 1 : 1 / Math.max(1, this.o.peers()),
    };
  }

  /** One pass over the pools (the timer calls it; tests call it directly). */
  async tick(): Promise<void> {
    await Promise.all(POOLS.map((pool) => this.tickPool(pool)));
  }

  /** Stops the timer and gives every unused token back (graceful stop). */
  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.o.connection.state !== 'up') return;
    for (const pool of POOLS) {
      const out = this.o.limiter.withdrawAbove(pool, 0);
      if (out > 0) await this.giveBack(pool, out).catch(() => undefined);
    }
  }

  private blockOf(pool: QuotaPool): number {
    return this.o.blockTokens ?? Math.max(4, Math.floor(this.o.shapes[pool].capacity * 0.2));
  }

  private async tickPool(pool: QuotaPool): Promise<void> {
    const s = defined(this.state.get(pool), `refill state of pool ${pool}`);
    if (s.busy) return;
    const now = this.clock.now();
    const { limiter } = this.o;
    const local = limiter.poolParams(pool);
    const stats = limiter.stats(pool);
    if (stats.admitted !== s.lastAdmitted) {
      s.lastAdmitted = stats.admitted;
      s.lastAdmissionAt = now;
    }
    if (this.o.connection.state !== 'up') {
      this.fallbackRefill(pool, s, now);
      return;
    }
    s.lastFallbackAt = now;

    const req: { -readonly [K in keyof TakeRequest]: TakeRequest[K] } = { want: 0, priority: 'normal' };
    if (stats.rateLimitedHits !== s.hitsSeen) {
      const until = limiter.pausedUntil(pool);
      req.pauseMs = Math.max(1000, until - now);
    }
    const view = limiter.serverView(pool);
    if (view.seq !== s.serverSeq)
      req.correction = { remaining: view.remaining, resetMs: Math.max(0, view.resetAtMs - now) };

    const available = limiter.available(pool);
    const block = this.blockOf(pool);
    if (available < local.reserve + block / 2 && now >= s.retryAt) {
      req.want = block;
      // Every process on the account may queue one block ahead of the refill.
      req.aheadMs = (Math.max(1, this.o.peers()) * block) / this.o.shapes[pool].refillPerMs;
      // The local reserve is refilled from the account's reserve only for critical demand; an empty
      // bucket at start (or after a pause) refills like any other.
      const critical = limiter.criticalDemand(pool);
      const criticalDemand = critical.waiting > 0 || critical.admitted !== s.criticalSeen;
      s.criticalSeen = critical.admitted;
      req.priority = available < local.reserve && criticalDemand ? 'critical' : 'normal';
    } else if (now - s.lastAdmissionAt > (this.o.idleMs ?? 2000) && available >= local.reserve + 1) {
      const out = limiter.withdrawAbove(pool, local.reserve);
      if (out > 0) {
        s.busy = true;
        try {
          await this.giveBack(pool, out);
        } catch {
          limiter.deposit(pool, out); // Redis did not take them: keep them
        } finally {
          s.busy = false;
        }
      }
      s.lastAdmissionAt = now;
      if (req.pauseMs === undefined) return;
    }
    // A server correction rides along with a take or a pause; it never costs a round trip of its own.
    if (req.want === 0 && req.pauseMs === undefined) return;

    s.busy = true;
    try {
      const reply = await this.o.quota.take(pool, req);
      this.roundTrips++;
      s.hitsSeen = stats.rateLimitedHits;
      s.serverSeq = view.seq;
      if (reply.granted > 0) {
        this.tokensTaken[pool] += reply.granted;
        // A reserved block becomes spendable when the account's refill has covered it; until then
        // this pool asks for nothing more (one block queued per process).
        if (reply.waitMs > 0) await this.sleep(reply.waitMs);
        const added = limiter.deposit(pool, reply.granted);
        const excess = Math.floor(reply.granted - added);
        if (excess > 0) await this.giveBack(pool, excess).catch(() => undefined);
      }
      if (reply.pausedUntil > now) limiter.pause(pool, reply.pausedUntil - now);
      if (reply.granted === 0 && req.want > 0) {
        // Every refused process got the same hint; a random extra of up to one more wait spreads
        // them out, so the next block goes to one of them without the others racing for it.
        const wait = Math.min(Math.max(reply.waitMs, 10), 1000);
        s.retryAt = this.clock.now() + refusalRetryDelay(wait, this.o.random ?? Math.random);
      }
    } catch {
      // Redis failed this round trip: the connection state decides the next tick's path.
    } finally {
      s.busy = false;
    }
  }

  /** Redis unreachable: this process may use 1/N of the pool's refill rate, and no burst. */
  private fallbackRefill(pool: QuotaPool, s: PoolState, now: number): void {
    const shape = this.o.shapes[pool];
    const elapsed = Math.max(0, now - s.lastFallbackAt);
    const tokens = (elapsed * shape.refillPerMs) / Math.max(1, this.o.peers());
    if (tokens >= 1) {
      this.o.limiter.deposit(pool, Math.floor(tokens));
      s.lastFallbackAt = now - ((tokens - Math.floor(tokens)) / shape.refillPerMs) * Math.max(1, this.o.peers());
    }
  }

  /** A 429 another process saw (pub/sub): empty our bucket until the server's reset. */
  remotePause(pool: QuotaPool, untilMs: number): void {
    const wait = untilMs - this.clock.now();
    if (wait > 0) this.o.limiter.pause(pool, wait);
  }

  private sleep(ms: number): Promise<void> {
    return sleepOn((callback, delay) => this.clock.setTimeout(callback, delay), Math.min(ms, 5000), undefined, true);
  }

  private async giveBack(pool: QuotaPool, tokens: number): Promise<void> {
    await this.o.quota.giveBack(pool, tokens);
    this.roundTrips++;
    this.tokensReturned[pool] += tokens;
  }
}
