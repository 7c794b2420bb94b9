// SymbolOwnership (src/executor/symbol-ownership.ts) answered from symbol leases in Redis: what the
// executor thread uses when REDIS_URL is set. It renews its leases on a timer well within the TTL,
// publishes what it holds for /health, and turns every Redis failure into the safe answer: no entry,
// no adoption, no touching other processes' stops, but exits and stops of our own positions go on.
import type { SymbolOwnership } from '../executor/symbol-ownership.js';
import { clusterKeys, type ClusterKeys } from './cluster-keys.js';
import type { ClusterSettings } from './cluster-settings.js';
import { PeerRegistry } from './peer-registry.js';
import { RedisConnection } from './redis-connection.js';
import { SymbolLeases, type LeaseLost } from './symbol-lease.js';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';

export interface LeaseOwnershipOptions {
  readonly connection: RedisConnection;
  readonly keys: ClusterKeys;
  readonly processId: string;
  readonly ttlMs: number;
  /** This process's BOT_ID, registered so peers do not take its orders for another bot's. */
  readonly botId?: string;
  /** Told when a lease is lost (taken over) or Redis trouble blocks a claim. */
  readonly onLost?: (lost: LeaseLost) => void;
  readonly log?: { warn(message: string, meta?: Record<string, unknown>): void };
  /** Wall time (leases, adoption grace) and the renewal timer. Default systemClock. */
  readonly clock?: Clock;
}

export class LeaseOwnership implements SymbolOwnership {
  readonly leases: SymbolLeases;
  private timer: TimerHandle | undefined;
  /**
   * Every peer BOT_ID ever seen in Redis. Kept in memory and only ever added to: a Redis that
   * restarted empty has forgotten the registry, not the peers, and a peer read as "another bot"
   * would contest its symbols.
   */
  private readonly peerBots = new Set<string>();
  /** Our BOT_ID is in Redis's registry (done before the first entry, so a peer never sees an unknown bot's orders). */
  private registered = false;
  private renewing = false;
  /**
   * Symbols whose lease this process took or checked since it started. A restarted old owner has
   * an empty stale set: until its journal's symbols are checked it may not exit or move stops there.
   */
  private readonly vouched = new Set<string>();
  /** Redis answered at least once since this process started (an outage after that keeps exits going). */
  private everUp = false;
  /** When the connection last came up (undefined while down). */
  private upSince: number | undefined;
  private readonly clock: Clock;

  constructor(private readonly o: LeaseOwnershipOptions) {
    this.clock = o.clock ?? systemClock;
    if (o.connection.state === 'up') this.upSince = this.clock.now();
    this.everUp = o.connection.state === 'up';
    o.connection.onStateChange((state) => {
      this.upSince = state === 'up' ? this.clock.now() : undefined;
      if (state === 'up') this.everUp = true;
    });
    this.leases = new SymbolLeases({
      connection: o.connection,
      keys: o.keys,
      processId: o.processId,
      ttlMs: o.ttlMs,
      ...(o.clock ? { clock: o.clock } : {}),
    });
    this.leases.onLost((lost) => {
      o.log?.warn(`lease on ${lost.symbol} lost (${lost.why}): another process trades it now`, { ...lost });
      o.onLost?.(lost);
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = this.clock.setInterval(() => void this.renew(), this.leases.renewIntervalMs).unref();
  }

  /** One renewal round: extend every lease and publish what we hold. */
  async renew(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    try {
      await this.leases.renewAll();
      await PeerRegistry.publishOwned(this.o.connection, this.o.keys, this.o.processId, this.leases.heldSymbols());
      await this.refreshPeerBots();
    } catch {
      // Redis down or slow: leases lapse locally at their validity; entries stop by themselves.
    } finally {
      this.renewing = false;
    }
  }

  async claimForEntry(symbol: string): Promise<boolean> {
    try {
      // Registered before our first order exists: a process that dies before its first renewal
      // must still leave peers able to tell its orders from another bot's.
      if (!this.registered) await this.refreshPeerBots();
      const outcome = await this.leases.acquire(symbol);
      this.vouched.add(symbol);
      if (outcome.ok) void this.publish();
      return outcome.ok;
    } catch (e) {
      this.o.log?.warn(`no entry in ${symbol}: its lease cannot be confirmed`, { error: (e as Error).message });
      return false;
    }
  }

  /**
   * A position nobody owns is adopted at once, except just after this process (re)connected to
   * Redis: a Redis that restarted empty has lost every lease, and live owners re-take theirs at
   * their next renewal (TTL/3). Adopting only once the connection has been up for longer than that
   * leaves their positions to them, so only a dead owner's positions are taken over.
   */
  async claimForAdoption(symbol: string): Promise<boolean> {
    if (this.upSince === undefined || this.clock.now() - this.upSince < this.adoptionGraceMs) return false;
    return this.claimForEntry(symbol);
  }

  /** How long after (re)connecting this process leaves unowned positions alone. */
  get adoptionGraceMs(): number {
    return this.leases.renewIntervalMs + 1000;
  }

  /**
   * The registry may lack live peers while Redis is down and during the adoption grace after
   * (re)connecting (a Redis that restarted empty holds only the bot ids re-registered since).
   */
  knowsPeers(): boolean {
    return this.upSince !== undefined && this.clock.now() - this.upSince >= this.adoptionGraceMs;
  }

  mayTrade(symbol: string): boolean {
    return this.vouched.has(symbol) && !this.leases.isStale(symbol);
  }

  async confirmHeld(symbols: readonly string[]): Promise<ReadonlySet<string>> {
    for (const symbol of symbols) {
      if (this.leases.isStale(symbol) || this.leases.holds(symbol)) {
        this.vouched.add(symbol);
        continue;
      }
      try {
        await this.leases.acquire(symbol); // taken by another process: marked stale
        this.vouched.add(symbol);
      } catch {
        // Redis down after it answered once: exits and stops go on (the outage rule). Never
        // answered since this start: a restarted process cannot tell whether it was taken over.
        if (this.everUp) this.vouched.add(symbol);
      }
    }
    return new Set(symbols.filter((s) => this.leases.isStale(s)));
  }

  async heldByOthers(symbols: readonly string[]): Promise<ReadonlySet<string> | undefined> {
    try {
      const owners = await this.leases.owners(symbols);
      return new Set([...owners].filter(([, owner]) => owner !== this.o.processId).map(([s]) => s));
    } catch {
      return undefined;
    }
  }

  async retainOnly(symbols: readonly string[]): Promise<void> {
    const keep = new Set(symbols);
    for (const held of this.leases.heldSymbols()) {
      if (keep.has(held)) continue;
      await this.leases.release(held).catch(() => undefined);
    }
    // A position we hold without a lease (Redis was down, or it restarted empty): take it back
    // if nobody else did, so peers see it owned.
    for (const symbol of keep) {
      if (!this.leases.holds(symbol) && !this.leases.isStale(symbol)) {
        await this.leases.acquire(symbol).then(
          () => this.vouched.add(symbol),
          () => undefined,
        );
      }
    }
    await this.publish();
  }

  isPeerBot(botId: string | undefined): boolean {
    return botId !== undefined && botId !== this.o.botId && this.peerBots.has(botId);
  }

  /** Registers our BOT_ID and reads every peer's (kept for a day after the last registration). */
  private async refreshPeerBots(): Promise<void> {
    const bots = await this.o.connection.run('peer bots', async (c) => {
      if (this.o.botId)
        await c.multi().sadd(this.o.keys.bots, this.o.botId).pexpire(this.o.keys.bots, 86_400_000).exec();
      return c.smembers(this.o.keys.bots);
    });
    if (this.o.botId) this.registered = true;
    for (const bot of bots) this.peerBots.add(bot);
  }

  /** Stops renewing; the leases lapse at their TTL (what a crash leaves, too). */
  async close(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /**
   * Graceful stop, after the executor drained: stops renewing and hands every lease back, so a
   * standby adopts at once instead of after LEASE_TTL. Best effort: a lease Redis cannot release
   * lapses at its TTL.
   */
  async shutdown(): Promise<void> {
    await this.close();
    await this.leases.releaseAll();
    await this.publish();
  }

  private async publish(): Promise<void> {
    await PeerRegistry.publishOwned(this.o.connection, this.o.keys, this.o.processId, this.leases.heldSymbols()).catch(
      () => undefined,
    );
  }
}

/** The executor thread's ownership from its init settings: its own Redis connection, leases renewing. */
export function openLeaseOwnership(
  settings: ClusterSettings,
  log: NonNullable<LeaseOwnershipOptions['log']>,
  onLost: (lost: LeaseLost) => void,
  botId?: string,
): { ownership: LeaseOwnership; connection: RedisConnection } {
  const connection = new RedisConnection({ url: settings.redisUrl, name: `${settings.processId}-executor` });
  const ownership = new LeaseOwnership({
    connection,
    keys: clusterKeys(settings.accountUid),
    processId: settings.processId,
    ttlMs: settings.leaseTtlMs,
    log,
    onLost,
    ...(botId ? { botId } : {}),
  });
  ownership.start();
  connection.onStateChange((state) => state === 'up' && void ownership.renew());
  return { ownership, connection };
}
