// REDIS_URL: join the other processes trading this account (src/cluster/cluster-node.ts). Unset:
// nothing here runs, and the limiter refills itself as it always did.
import { ClusterNode } from '../src/cluster/cluster-node.js';
import type { AppConfig } from '../src/config/load-config.js';
import { KucoinFuturesClient } from '../src/exchange/kucoin-futures-client.js';
import type { Logger } from '../src/log/logger.js';
import type { SharedRateLimiter } from '../src/resilience/shared-rate-limiter.js';
import { EXCHANGE_SETTINGS } from '../src/worker-runtime/worker-exchange-client.js';
import type { Venue } from './venue.js';

export function clusterWanted(config: AppConfig): boolean {
  return config.redisUrl !== '';
}

/** Starts the cluster node; throws with a message naming what failed (the account uid, Redis). */
export async function startCluster(config: AppConfig, venue: Venue, limiter: SharedRateLimiter, logger: Logger): Promise<ClusterNode | undefined> {
  if (!clusterWanted(config)) return undefined;
  const s = venue.settings;
  const account = new KucoinFuturesClient({
    baseUrl: String(s[EXCHANGE_SETTINGS.url]),
    credentials: {
      key: String(s[EXCHANGE_SETTINGS.apiKey]),
      secret: String(s[EXCHANGE_SETTINGS.apiSecret]),
      passphrase: String(s[EXCHANGE_SETTINGS.apiPassphrase]),
      keyVersion: Number(s[EXCHANGE_SETTINGS.apiKeyVersion]) === 3 ? 3 : 2,
    },
    timeoutMs: 10_000,
  });
  try {
    return await ClusterNode.start({ redisUrl: config.redisUrl, leaseTtlMs: config.leaseTtl * 1000, limiter, account, log: logger });
  } catch (err) {
    throw new Error(`REDIS_URL is set but this process cannot join the account's cluster: ${(err as Error).message}`, { cause: err });
  }
}
