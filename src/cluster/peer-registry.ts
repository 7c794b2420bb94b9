// Which processes trade the account: each one stamps itself in a sorted set (score = last seen, at
// Redis's clock) and the ones not seen for two lease TTLs are dropped. The count is N in the
// conservative 1/N quota share a process falls back to while Redis is unreachable, so it is
// remembered locally: the last N seen is exactly what the outage needs.
import type { ClusterKeys } from './cluster-keys.js';
import type { RedisConnection } from './redis-connection.js';

const BEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
  redis.call('HDEL', KEYS[2], unpack(gone))
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 4)
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

type BeatRedis = { peerBeat(processes: string, owned: string, id: string, staleMs: number): Promise<string[]> };

export interface PeerView {
  /** Process ids seen within the staleness window, this one included. */
  readonly peers: readonly string[];
  /** Symbols each process holds (as published by its executor). */
  readonly owned: Readonly<Record<string, readonly string[]>>;
}

export class PeerRegistry {
  private last: PeerView;

  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: ClusterKeys,
    readonly processId: string,
    /** Processes not seen for this long are gone (2 × LEASE_TTL). */
    private readonly staleMs: number,
  ) {
    connection.client.defineCommand('peerBeat', { numberOfKeys: 2, lua: BEAT });
    this.last = { peers: [processId], owned: {} };
  }

  /** Stamps this process and reads the others (one round trip for the set, one for owned). */
  async beat(): Promise<PeerView> {
    const peers = await this.connection.run('peer beat', (c) =>
      (c as unknown as BeatRedis).peerBeat(this.keys.processes, this.keys.owned, this.processId, this.staleMs),
    );
    const raw = await this.connection.run('peer owned', (c) => c.hgetall(this.keys.owned));
    const owned: Record<string, string[]> = {};
    for (const [id, list] of Object.entries(raw)) owned[id] = list === '' ? [] : list.split(',');
    this.last = { peers: peers.includes(this.processId) ? peers : [...peers, this.processId], owned };
    return this.last;
  }

  /** The last view Redis gave (kept through an outage). */
  get view(): PeerView {
    return this.last;
  }

  /** Publishes the symbols this process holds (called by the executor's lease loop). */
  static async publishOwned(
    connection: RedisConnection,
    keys: ClusterKeys,
    processId: string,
    symbols: readonly string[],
  ): Promise<void> {
    await connection.run('publish owned', (c) => c.hset(keys.owned, processId, symbols.join(',')));
  }

  /** Leaves the set at a graceful stop, so peers count N down at once. */
  async leave(): Promise<void> {
    await this.connection.run('peer leave', async (c) => {
      await c.zrem(this.keys.processes, this.processId);
      await c.hdel(this.keys.owned, this.processId);
    });
  }
}
