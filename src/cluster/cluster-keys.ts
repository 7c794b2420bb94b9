// Every Redis key the cluster layer uses, named in one place. Keys are per ACCOUNT (the uid the
// exchange reports for the API key), not per API key: KuCoin counts the quota per account, so two
// keys of one account must share one bucket. The `{uid}` hash tag keeps one account's keys in one
// Redis Cluster slot, so the Lua scripts may touch several of them.
import type { QuotaPool } from '../exchange/endpoints.js';

export const KEY_PREFIX = 'kfbot';

export interface ClusterKeys {
  readonly account: string;
  /** String: owner process id + fencing token; PX = LEASE_TTL. */
  lease(symbol: string): string;
  /** Counter: the next fencing token (INCR only ever grows). */
  readonly fence: string;
  /** Hash: the account-wide token bucket of one quota pool. */
  quota(pool: QuotaPool): string;
  /** Sorted set: process id -> last seen (ms). */
  readonly processes: string;
  /** Hash: process id -> the symbols it holds leases for (comma-separated), for /health. */
  readonly owned: string;
  /** Set: the BOT_IDs (clientOid namespaces) of every process that coordinated here: peers, not contest. */
  readonly bots: string;
  /** Pub/sub channel: 429 pauses, so every process empties its local bucket at once. */
  readonly quotaEvents: string;
}

export function clusterKeys(accountUid: string): ClusterKeys {
  if (!/^[A-Za-z0-9_-]+$/.test(accountUid))
    throw new RangeError(`account uid must be alphanumeric, got ${JSON.stringify(accountUid)}`);
  const base = `${KEY_PREFIX}:{${accountUid}}`;
  return {
    account: accountUid,
    lease: (symbol) => `${base}:lease:${symbol}`,
    fence: `${base}:fence`,
    quota: (pool) => `${base}:quota:${pool}`,
    processes: `${base}:processes`,
    owned: `${base}:owned`,
    bots: `${base}:bots`,
    quotaEvents: `${base}:quota-events`,
  };
}
