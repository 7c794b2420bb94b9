// The supervisor's side of running several processes on one account (REDIS_URL): learns the
// account uid, keeps the local limiter stocked from the account-wide quota (quota-refiller.ts),
// stamps this process in the peer registry, hears the other processes' 429 pauses, and says how
// coordination is going (/health `cluster`). The executor thread holds the symbol leases itself
// (lease-ownership.ts) with its own connection; what it holds reaches /health through the registry.
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { POOL_QUOTA, POOL_WINDOW_MS, QUOTA_POOLS, type QuotaPool } from '../exchange/endpoints.js';
import { EventEmitter, type Disposable, type Listener } from '../resilience/event.js';
import { SHARED_LIMITER_DEFAULTS, type SharedRateLimiter } from '../resilience/shared-rate-limiter.js';
import { fetchAccountUid, type AccountInfoSource } from './account-key.js';
import { clusterKeys, type ClusterKeys } from './cluster-keys.js';
import { ClusterQuota, type PoolShape } from './cluster-quota.js';
import type { ClusterSettings } from './cluster-settings.js';
import { PeerRegistry } from './peer-registry.js';
import { QuotaRefiller } from './quota-refiller.js';
import { RedisConnection, type RedisState } from './redis-connection.js';
import { type TimerHandle, systemClock } from '../resilience/clock.js';

/** What /health reports under `cluster` (the names are the interface). */
export interface ClusterReport {
  readonly redis: 'connected' | 'down';
  readonly process_id: string;
  readonly peers: number;
  readonly owned_symbols: readonly string[];
  readonly quota_share: number;
}

export interface ClusterNodeOptions {
  readonly redisUrl: string;
  readonly leaseTtlMs: number;
  /** A limiter created with refill 'external'. */
  readonly limiter: SharedRateLimiter;
  /** Asks the exchange for the account uid (one signed call at start). */
  readonly account: AccountInfoSource;
  /** Default `<hostname>-<pid>`; the supervisor passes `<hostname>-<BOT_ID>`, stable across restarts. */
  readonly processId?: string;
  readonly log: {
    info(m: string, meta?: Record<string, unknown>): void;
    warn(m: string, meta?: Record<string, unknown>): void;
  };
  /** How long start waits for Redis before running degraded. Default 5 s. */
  readonly connectTimeoutMs?: number;
}

/** The account-wide bucket of each pool: the same sizing as the local limiter (see its header). */
export function accountPoolShapes(): Record<QuotaPool, PoolShape> {
  const shape = (pool: QuotaPool): PoolShape => {
    const quota = POOL_QUOTA[pool];
    const capacity = Math.floor(quota * SHARED_LIMITER_DEFAULTS.burstFraction);
    return {
      capacity,
      refillPerMs: (quota - capacity) / POOL_WINDOW_MS,
      reserve: Math.floor(capacity * SHARED_LIMITER_DEFAULTS.reserveFraction),
    };
  };
  return { public: shape('public'), futures: shape('futures') };
}

export class ClusterNode {
  private readonly stateChanges = new EventEmitter<RedisState>();
  private beatTimer: TimerHandle | undefined;

  /** Redis up/down transitions (the supervisor turns them into health and alerts). */
  readonly onStateChange: (listener: Listener<RedisState>) => Disposable = this.stateChanges.subscribe;

  private constructor(
    readonly processId: string,
    readonly keys: ClusterKeys,
    private readonly o: ClusterNodeOptions,
    private readonly connection: RedisConnection,
    private readonly subscriber: Redis,
    private readonly registry: PeerRegistry,
    private readonly refiller: QuotaRefiller,
  ) {
    connection.onStateChange((s) => this.stateChanges.emit(s));
  }

  static async start(o: ClusterNodeOptions): Promise<ClusterNode> {
    const processId = o.processId ?? `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}`;
    const accountUid = await fetchAccountUid(o.account);
    const keys = clusterKeys(accountUid);
    const connection = new RedisConnection({ url: o.redisUrl, name: `${processId}-supervisor` });
    try {
      await connection.waitUntilUp(o.connectTimeoutMs ?? 5000);
    } catch {
      o.log.warn(
        'REDIS_URL set but Redis is not reachable: no entries until it is; exits and stops use a local 1/N share of the quota',
      );
    }
    const shapes = accountPoolShapes();
    const registry = new PeerRegistry(connection, keys, processId, o.leaseTtlMs * 2);
    const refiller = new QuotaRefiller({
      limiter: o.limiter,
      quota: new ClusterQuota(connection, keys, shapes),
      connection,
      shapes,
      peers: () => registry.view.peers.length,
    });
    const subscriber = new Redis(o.redisUrl, {
      lazyConnect: false,
      maxRetriesPerRequest: null,
      retryStrategy: () => 500,
      connectionName: `${processId}-quota-events`,
    });
    subscriber.on('error', () => undefined);
    const node = new ClusterNode(processId, keys, o, connection, subscriber, registry, refiller);
    subscriber.on('message', (_channel: string, message: string) => node.onQuotaEvent(message));
    void subscriber.subscribe(keys.quotaEvents).catch(() => undefined);
    refiller.start();
    await node.beat();
    node.beatTimer = systemClock
      .setInterval(() => void node.beat(), Math.max(100, Math.floor(o.leaseTtlMs / 3)))
      .unref();
    o.log.info('cluster: coordinating through Redis', {
      processId,
      account: accountUid,
      peers: registry.view.peers.length,
      leaseTtlS: o.leaseTtlMs / 1000,
    });
    return node;
  }

  get redisState(): RedisState {
    return this.connection.state;
  }

  /** What the executor thread needs to hold leases (its `init` settings). */
  settings(): ClusterSettings {
    return {
      redisUrl: this.o.redisUrl,
      accountUid: this.keys.account,
      processId: this.processId,
      leaseTtlMs: this.o.leaseTtlMs,
    };
  }

  report(): ClusterReport {
    const view = this.registry.view;
    return {
      redis: this.connection.state === 'up' ? 'connected' : 'down',
      process_id: this.processId,
      peers: view.peers.length,
      owned_symbols: [...(view.owned[this.processId] ?? [])],
      quota_share: Math.round(this.refiller.stats().share * 1000) / 1000,
    };
  }

  /** Quota round trips so far (for the benchmark's round trips per admitted request). */
  quotaStats(): ReturnType<QuotaRefiller['stats']> {
    return this.refiller.stats();
  }

  /** Graceful stop: unused tokens back, leave the registry, close connections. */
  async stop(): Promise<void> {
    this.beatTimer?.cancel();
    await this.refiller.stop().catch(() => undefined);
    await this.registry.leave().catch(() => undefined);
    this.subscriber.disconnect();
    await this.connection.close();
  }

  private async beat(): Promise<void> {
    try {
      await this.registry.beat();
    } catch {
      // down: the last view stands (its N is the fallback share)
    }
  }

  private onQuotaEvent(message: string): void {
    const [pool, until] = message.split(':');
    if (!(QUOTA_POOLS as readonly string[]).includes(pool ?? '')) return;
    this.refiller.remotePause(pool as QuotaPool, Number(until));
  }
}
