// Symbol ownership between processes trading one account: a lease per symbol in Redis holding the
// owner's process id and a fencing token (SET NX PX; the token comes from one INCR counter, so a
// later owner always has a larger token than an earlier one). Renewal and release are Lua scripts
// that check the stored value first, so a process whose lease expired and was taken over can never
// extend or delete the new owner's lease: it learns its token is stale and stops trading the symbol.
//
// Local view: a lease counts as held until `validUntil` = (time the request was SENT) + TTL - a
// safety margin, so a slow answer or a drifting clock can only make us give it up early, never late.
import type { ChainableCommander, Redis } from 'ioredis';
import { EventEmitter, type Disposable, type Listener } from '../resilience/event.js';
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';
import { type Clock, systemClock } from '../resilience/clock.js';

/** KEYS: lease, fence. ARGV: owner id, ttl ms. Returns {1|0, token, owner}. */
const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local owner, tok = string.match(cur, '^(.*)|(%d+)$')
  if owner == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return {1, tonumber(tok), owner}
  end
  return {0, tonumber(tok) or 0, owner or cur}
end
local tok = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. tok, 'PX', ARGV[2])
return {1, tok, ARGV[1]}
`;

/**
 * KEYS: lease, fence. ARGV: owner id, token, ttl ms. Returns the (possibly new) token when we hold
 * it, 0 when another owner does. A missing key (expired, or Redis restarted empty) nobody else took
 * is re-acquired with a fresh token: the owner was never replaced.
 */
const RENEW = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] .. '|' .. ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return tonumber(ARGV[2])
end
if cur then return 0 end
local tok = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. tok, 'PX', ARGV[3])
return tok
`;

/** KEYS: lease. ARGV: owner id, token. Deletes only our own lease. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] .. '|' .. ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

export interface SymbolLeaseOptions {
  readonly connection: RedisConnection;
  readonly keys: ClusterKeys;
  /** This process's id (unique among processes on the account). */
  readonly processId: string;
  /** LEASE_TTL in ms. */
  readonly ttlMs: number;
  /** Wall time for lease validity. Default systemClock. */
  readonly clock?: Pick<Clock, 'now'>;
}

export interface HeldLease {
  readonly symbol: string;
  readonly token: number;
  /** Local epoch ms after which we no longer count on the lease. */
  readonly validUntil: number;
}

export type AcquireOutcome =
  | { readonly ok: true; readonly lease: HeldLease }
  | { readonly ok: false; readonly owner: string; readonly token: number };

export interface LeaseLost {
  readonly symbol: string;
  readonly token: number;
  /** 'taken': another process owns it now (our token is stale). 'expired': no renewal in time. */
  readonly why: 'taken' | 'expired';
}

type LeaseRedis = Redis & {
  leaseAcquire(lease: string, fence: string, owner: string, ttl: number): Promise<[number, number, string]>;
  leaseRenew(lease: string, fence: string, owner: string, token: number, ttl: number): Promise<number>;
  leaseRelease(lease: string, owner: string, token: number): Promise<number>;
};

/** Inside a pipeline a command only queues and returns the pipeline; the replies come from `exec`. */
type LeasePipeline = ChainableCommander & {
  leaseRenew(lease: string, fence: string, owner: string, token: number, ttl: number): ChainableCommander;
};

export class SymbolLeases {
  private readonly held = new Map<string, HeldLease>();
  /** Symbols another process took from us: never traded again by this process until re-acquired. */
  private readonly stale = new Set<string>();
  private readonly lost = new EventEmitter<LeaseLost>();
  private readonly clock: Pick<Clock, 'now'>;
  private readonly margin: number;

  readonly onLost: (listener: Listener<LeaseLost>) => Disposable = this.lost.subscribe;

  constructor(private readonly o: SymbolLeaseOptions) {
    if (!(Number.isFinite(o.ttlMs) && o.ttlMs >= 300))
      throw new RangeError(`lease ttlMs must be at least 300 ms, got ${o.ttlMs}`);
    if (!/^[^|\s]+$/.test(o.processId))
      throw new RangeError(`processId must be non-empty without '|' or spaces, got ${JSON.stringify(o.processId)}`);
    this.clock = o.clock ?? systemClock;
    this.margin = Math.max(100, Math.floor(o.ttlMs / 5));
    const client = o.connection.client;
    client.defineCommand('leaseAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    client.defineCommand('leaseRenew', { numberOfKeys: 2, lua: RENEW });
    client.defineCommand('leaseRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  /** How often `renewAll` should run: well within the TTL (three chances before it lapses). */
  get renewIntervalMs(): number {
    return Math.max(100, Math.floor(this.o.ttlMs / 3));
  }

  /** Takes the lease, or confirms we hold it; throws RedisUnavailableError when Redis cannot answer. */
  async acquire(symbol: string): Promise<AcquireOutcome> {
    const sent = this.clock.now();
    const [ok, token, owner] = await this.o.connection.run('lease acquire', (c) =>
      (c as LeaseRedis).leaseAcquire(this.o.keys.lease(symbol), this.o.keys.fence, this.o.processId, this.o.ttlMs),
    );
    if (ok !== 1) {
      this.drop(symbol, 'taken');
      return { ok: false, owner, token };
    }
    const lease = { symbol, token, validUntil: sent + this.o.ttlMs - this.margin };
    this.held.set(symbol, lease);
    this.stale.delete(symbol);
    return { ok: true, lease };
  }

  /** Local check, no Redis: true while a lease we hold is within its validity. */
  holds(symbol: string): boolean {
    const lease = this.held.get(symbol);
    return lease !== undefined && this.clock.now() < lease.validUntil;
  }

  /** True when another process took the symbol from us (our fencing token is stale). */
  isStale(symbol: string): boolean {
    return this.stale.has(symbol);
  }

  heldSymbols(): string[] {
    const now = this.clock.now();
    return [...this.held.values()]
      .filter((l) => now < l.validUntil)
      .map((l) => l.symbol)
      .sort();
  }

  token(symbol: string): number | undefined {
    return this.held.get(symbol)?.token;
  }

  /** Who holds each symbol's lease now (absent: nobody). One round trip. */
  async owners(symbols: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (symbols.length === 0) return out;
    const values = await this.o.connection.run('lease owners', (c) =>
      c.mget(...symbols.map((s) => this.o.keys.lease(s))),
    );
    symbols.forEach((s, i) => {
      const v = values[i];
      if (typeof v === 'string') out.set(s, v.slice(0, v.lastIndexOf('|')));
    });
    return out;
  }

  /** Renews every held lease in one pipeline; leases another process took are dropped (onLost). */
  async renewAll(): Promise<void> {
    const leases = [...this.held.values()];
    // Leases past their validity while Redis was unreachable are gone locally; Redis may still
    // hand them back through RENEW if nobody took them meanwhile.
    if (leases.length === 0) return;
    const sent = this.clock.now();
    const results = await this.o.connection.run('lease renew', async (c) => {
      const p = c.pipeline();
      for (const l of leases)
        (p as LeasePipeline).leaseRenew(
          this.o.keys.lease(l.symbol),
          this.o.keys.fence,
          this.o.processId,
          l.token,
          this.o.ttlMs,
        );
      return (await p.exec()) ?? [];
    });
    leases.forEach((l, i) => {
      const [err, value] = results[i] ?? [new Error('no reply'), null];
      if (err) return; // unknown: keep the local validity, the next renewal decides
      const token = Number(value);
      if (token > 0)
        this.held.set(l.symbol, { symbol: l.symbol, token, validUntil: sent + this.o.ttlMs - this.margin });
      else this.drop(l.symbol, 'taken');
    });
  }

  /** Lets another process have the symbol (no position left). Best effort: the TTL cleans up. */
  async release(symbol: string): Promise<void> {
    const lease = this.held.get(symbol);
    if (!lease) return;
    this.held.delete(symbol);
    await this.o.connection.run('lease release', (c) =>
      (c as LeaseRedis).leaseRelease(this.o.keys.lease(symbol), this.o.processId, lease.token),
    );
  }

  /** Releases everything (graceful stop), so a standby takes over at once instead of after the TTL. */
  async releaseAll(): Promise<void> {
    for (const symbol of [...this.held.keys()]) {
      try {
        await this.release(symbol);
      } catch {
        // Redis down: the TTL frees them
      }
    }
  }

  private drop(symbol: string, why: LeaseLost['why']): void {
    const lease = this.held.get(symbol);
    if (why === 'taken') this.stale.add(symbol);
    if (!lease) return;
    this.held.delete(symbol);
    this.lost.emit({ symbol, token: lease.token, why });
  }
}
