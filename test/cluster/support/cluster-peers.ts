// The processes of a cluster test, each a Redis connection (and its lease ownership, and its SQLite
// journal) against one real redis-server: opened on demand, all closed by `close()` in afterEach.
import path from 'node:path';
import type { ClusterKeys } from '../../../src/cluster/cluster-keys.js';
import { LeaseOwnership, type LeaseOwnershipOptions } from '../../../src/cluster/lease-ownership.js';
import { RedisConnection } from '../../../src/cluster/redis-connection.js';
import { Store } from '../../../src/store/index.js';
import type { RedisServer } from './redis-server.js';

export interface PeerOptions extends Partial<Omit<LeaseOwnershipOptions, 'connection' | 'keys' | 'processId'>> {
  /** A LeaseOwnership subclass to build instead (a peer with hooks). */
  readonly make?: (options: LeaseOwnershipOptions) => LeaseOwnership;
}

export class ClusterPeers {
  private readonly connections: RedisConnection[] = [];
  private readonly owners: LeaseOwnership[] = [];
  private readonly stores: Store[] = [];

  constructor(
    private readonly redis: () => RedisServer,
    readonly keys: ClusterKeys,
    private readonly ttlMs: number,
  ) {}

  /** A connection that is up (commands time out after 1 s, reconnects every 50 ms). */
  async connect(): Promise<RedisConnection> {
    const connection = new RedisConnection({ url: this.redis().url, commandTimeoutMs: 1000, reconnectDelayMs: 50 });
    this.connections.push(connection);
    await connection.waitUntilUp(5000);
    return connection;
  }

  /** Process `processId`'s ownership on its own connection; it registers BOT_ID `<processId>bot` so peers recognise its orders. */
  async ownership(
    processId: string,
    options: PeerOptions = {},
  ): Promise<{ own: LeaseOwnership; connection: RedisConnection }> {
    const connection = await this.connect();
    const { make = (o: LeaseOwnershipOptions) => new LeaseOwnership(o), ...rest } = options;
    const own = make({ connection, keys: this.keys, processId, ttlMs: this.ttlMs, botId: `${processId}bot`, ...rest });
    this.owners.push(own);
    return { own, connection };
  }

  /** Process `name`'s journal, `<dir>/<name>.sqlite`. */
  journal(dir: string, name: string): Store {
    const store = Store.open({ path: path.join(dir, `${name}.sqlite`) });
    this.stores.push(store);
    return store;
  }

  async close(): Promise<void> {
    await Promise.all(this.owners.splice(0).map((o) => o.close()));
    for (const s of this.stores.splice(0)) s.close();
    await Promise.all(this.connections.splice(0).map((c) => c.close()));
  }
}
