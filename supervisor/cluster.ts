// REDIS_URL: join the other processes trading this account (src/cluster/cluster-node.ts). Unset:
// nothing here runs, and the limiter refills itself as it always did.
import { ClusterNode } from '../src/cluster/cluster-node.js';
import type { AppConfig } from '../src/config/load-config.js';
import { KucoinFuturesClient } from '../src/exchange/kucoin-futures-client.js';
import type { Logger } from '../src/log/logger.js';
import type { SharedRateLimiter } from '../src/resilience/shared-rate-limiter.js';
import type { Venue } from './venue.js';
import { hostname } from 'node:os';

export function clusterWanted(config: AppConfig): boolean {
  return config.redisUrl !== '';
}

/**
 * Starts the cluster node; throws with a message naming what failed (the account uid, Redis).
 * `botId` (kept in the journal, one live process per DATA_DIR) makes the process id stable across
 * restarts, so a restarted bot re-owns its symbols at once instead of waiting out its own leases.
 */
export async function startCluster(
  config: AppConfig,
  venue: Venue,
  limiter: SharedRateLimiter,
  logger: Logger,
  botId: string,
): Promise<ClusterNode | undefined> {
  if (!clusterWanted(config)) return undefined;
  const s = venue.settings;
  const account = new KucoinFuturesClient({
    baseUrl: s.url,
    credentials: {
      key: s.apiKey,
      secret: s.apiSecret,
      passphrase: s.apiPassphrase,
      keyVersion: s.apiKeyVersion === 3 ? 3 : 2,
    },
    timeoutMs: 10_000,
  });
  try {
    return await ClusterNode.start({
      redisUrl: config.redisUrl,
      leaseTtlMs: config.leaseTtl * 1000,
      limiter,
      account,
      log: logger,
      processId: processIdFor(botId),
    });
  } catch (err) {
    throw new Error(`REDIS_URL is set but this process cannot join the account's cluster: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** `<host>-<botId>`: unique per live process (one per DATA_DIR) and the same after a restart. */
export function processIdFor(botId: string): string {
  return `${hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}-${botId}`;
}
