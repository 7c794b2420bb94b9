// The account-wide quota of each KuCoin pool, kept in Redis and handed to processes in blocks.
// One Lua script does everything atomically at Redis's clock (TIME), so several processes can
// never admit more than one bucket would: the same token-bucket arithmetic as the local limiter
// (capacity 10 % of the pool, refill 90 % per window, see shared-rate-limiter.ts), a reserve
// normal takes may not touch (critical calls of ANY process may), a shared 429 pause, and the
// servers' gw-ratelimit corrections. One call = one round trip = one block, so the hot path
// (each request) stays in the local SharedArrayBuffer bucket.
import type { Redis } from 'ioredis';
import type { QuotaPool } from '../exchange/endpoints.js';
import type { CallPriority } from '../resilience/limiter.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * KEYS: bucket hash, events channel.
 * ARGV: capacity, refillPerMs, reserve, want (negative: give tokens back), critical (0|1),
 *       pauseMs (0: none), correctRemaining (-1: none), correctResetMs, pool name, aheadMs (how far
 *       ahead of the refill a normal block may be reserved).
 * Returns {granted, waitMs, tokens*1000, pausedUntil} (tokens scaled: Lua numbers reply as integers).
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local want = tonumber(ARGV[4])
local critical = ARGV[5] == '1'
local pauseMs = tonumber(ARGV[6])
local corr = tonumber(ARGV[7])
local corrReset = tonumber(ARGV[8])
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'paused')
local tokens = tonumber(s[1]) or cap
local at = tonumber(s[2]) or now
local paused = tonumber(s[3]) or 0
if now > at then tokens = math.min(cap, tokens + (now - at) * refill) end
at = math.max(at, now)
if pauseMs > 0 then
  if now + pauseMs > paused then
    paused = now + pauseMs
    redis.call('PUBLISH', KEYS[2], ARGV[9] .. ':' .. paused)
  end
  tokens = math.min(tokens, 0)
end
if corr >= 0 then
  local allowed = corr - refill * corrReset
  if allowed < tokens then tokens = allowed end
end
local granted = 0
local wait = 0
if want < 0 then
  tokens = math.min(cap, tokens - want)
elseif paused > now then
  wait = paused - now
else
  local floor = critical and 0 or reserve
  local free = math.floor(tokens - floor)
  if free >= want then
    granted = want
  elseif critical then
    -- Critical takes get whatever there is now.
    if free >= 1 then granted = math.floor(free) end
  elseif refill > 0 then
    -- Normal takes are whole blocks: at saturation, handing out the few tokens that just refilled
    -- would cost a round trip per request, and processes retrying for the same tokens would race.
    -- Instead the block is reserved now and usable once the refill has covered it (wait), as
    -- long as that is at most ahead ms away (one block's refill time per process on the account):
    -- each process queues at most one block, and each block costs exactly one round trip.
    local delay = math.ceil((want - free) / refill)
    local ahead = math.max(tonumber(ARGV[10]) or 0, math.ceil(want / refill))
    if delay <= ahead then
      granted = want
      wait = delay
    end
  end
  tokens = tokens - granted
  if granted == 0 and refill > 0 then
    local need = critical and 1 or want
    wait = math.max(1, math.ceil((floor + need - tokens) / refill) - math.max(tonumber(ARGV[10]) or 0, math.ceil(want / refill)))
  end
end
-- While paused no refill is counted: stamp the bucket at the pause end (as the local limiter does).
if paused > at then at = paused end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at), 'paused', tostring(paused))
redis.call('PEXPIRE', KEYS[1], 3600000)
return {granted, wait, math.floor(tokens * 1000), paused}
`;

export interface PoolShape {
  /** Bucket capacity in tokens (the burst). */
  readonly capacity: number;
  readonly refillPerMs: number;
  /** Tokens only critical takes may use. */
  readonly reserve: number;
}

export interface TakeRequest {
  readonly want: number;
  readonly priority: CallPriority;
  /** A 429 seen locally: pause every process for this long. */
  readonly pauseMs?: number;
  /** A gw-ratelimit view to apply (downward only). */
  readonly correction?: { readonly remaining: number; readonly resetMs: number };
  /** How far ahead of the refill a normal block may be reserved. Default: one block's refill time. */
  readonly aheadMs?: number;
}

export interface TakeReply {
  readonly granted: number;
  /**
   * With tokens granted: ms before they may be spent (a block reserved ahead of the refill; 0 =
   * at once). With none: ms until asking again may succeed.
   */
  readonly waitMs: number;
  /** Tokens left in the shared bucket after this call (may be negative: a debt). */
  readonly tokensLeft: number;
  /** Redis-clock epoch ms until which the pool is paused by a 429 (0: never). */
  readonly pausedUntil: number;
}

type QuotaRedis = Redis & {
  quotaTake(bucket: string, channel: string, ...args: (string | number)[]): Promise<[number, number, number, number]>;
};

export class ClusterQuota {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: ClusterKeys,
    private readonly shapes: Readonly<Record<QuotaPool, PoolShape>>,
  ) {
    connection.client.defineCommand('quotaTake', { numberOfKeys: 2, lua: TAKE });
  }

  /** Takes up to `want` tokens of `pool` (one round trip); a 429 pause or correction rides along. */
  async take(pool: QuotaPool, req: TakeRequest): Promise<TakeReply> {
    if (!(Number.isFinite(req.want) && req.want >= 0))
      throw new RangeError(`want must be a finite number >= 0, got ${req.want}`);
    return this.call(pool, req.want, req.priority, req.pauseMs ?? 0, req.correction, req.aheadMs ?? 0);
  }

  /** Returns unused tokens to the shared bucket (capped at its capacity). */
  async giveBack(pool: QuotaPool, tokens: number): Promise<TakeReply> {
    if (!(tokens > 0)) throw new RangeError(`tokens to give back must be positive, got ${tokens}`);
    return this.call(pool, -tokens, 'normal', 0, undefined, 0);
  }

  private async call(
    pool: QuotaPool,
    want: number,
    priority: CallPriority,
    pauseMs: number,
    correction: TakeRequest['correction'],
    aheadMs: number,
  ): Promise<TakeReply> {
    const shape = this.shapes[pool];
    const [granted, waitMs, tokensMilli, pausedUntil] = await this.connection.run(`quota ${pool}`, (c) =>
      (c as QuotaRedis).quotaTake(
        this.keys.quota(pool),
        this.keys.quotaEvents,
        shape.capacity,
        shape.refillPerMs,
        shape.reserve,
        want,
        priority === 'critical' ? 1 : 0,
        Math.max(0, Math.ceil(pauseMs)),
        correction ? correction.remaining : -1,
        correction ? correction.resetMs : 0,
        pool,
        Math.max(0, Math.ceil(aheadMs)),
      ),
    );
    return { granted, waitMs, tokensLeft: tokensMilli / 1000, pausedUntil };
  }
}
