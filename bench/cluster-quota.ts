// Benchmark: several bot processes on one account sharing the quota through Redis (issue 15).
// 1, 2 and 4 "processes" (each its own SharedRateLimiter in external-refill mode, QuotaRefiller,
// Redis connection and KucoinFuturesClient) hammer one simulator's public pool (server time, weight
// 2, several calls in flight each) through one account-wide bucket in a real redis-server. The
// window is compressed as in quota-use.ts. Reported: the server-counted use of each complete window,
// 429 responses, and Redis round trips per admitted request.
import { ClusterQuota, type PoolShape } from '../src/cluster/cluster-quota.js';
import { clusterKeys } from '../src/cluster/cluster-keys.js';
import { QuotaRefiller } from '../src/cluster/quota-refiller.js';
import { RedisConnection } from '../src/cluster/redis-connection.js';
import { KucoinFuturesClient } from '../src/exchange/kucoin-futures-client.js';
import { POOL_QUOTA, POOL_WINDOW_MS, type QuotaPool, KUCOIN_LIMITS } from '../src/exchange/endpoints.js';
import { SHARED_LIMITER_DEFAULTS, SharedRateLimiter } from '../src/resilience/shared-rate-limiter.js';
import { startSimulator } from '../src/simulator/simulator.js';
import { RedisServer } from '../test/cluster/support/redis-server.js';
import type { Benchmark, BenchContext, BenchResult, Figure } from './bench-result.js';
import { WindowTracker } from './quota-use.js';
import { ScaledTimeGate } from './scaled-time-gate.js';
import { envNumber, fmt, measured } from './stats.js';

interface RunOutcome {
  readonly processes: number;
  readonly ok: number;
  readonly rateLimited: number;
  readonly admitted: number;
  readonly roundTrips: number;
  readonly windowUse: number[];
}

function shapes(windowRealMs: number): Record<QuotaPool, PoolShape> {
  const shape = (quota: number): PoolShape => {
    const capacity = Math.floor(quota * SHARED_LIMITER_DEFAULTS.burstFraction);
    return {
      capacity,
      refillPerMs: (quota - capacity) / windowRealMs,
      reserve: Math.floor(capacity * SHARED_LIMITER_DEFAULTS.reserveFraction),
    };
  };
  return { public: shape(POOL_QUOTA.public), futures: shape(POOL_QUOTA.futures) };
}

async function runProcesses(
  ctx: BenchContext,
  redisUrl: string,
  processes: number,
  windows: number,
  windowRealMs: number,
  lanes: number,
): Promise<RunOutcome> {
  const compression = POOL_WINDOW_MS / windowRealMs;
  const t0 = Date.now();
  const sim = await startSimulator({ contracts: 2, quotaClock: { now: () => t0 + (Date.now() - t0) * compression } });
  const keys = clusterKeys(`bench${processes}x${t0}`);
  const tracker = new WindowTracker(compression, windowRealMs);
  let ok = 0;
  let rateLimited = 0;
  const parts = await Promise.all(
    Array.from({ length: processes }, async () => {
      const connection = new RedisConnection({ url: redisUrl });
      await connection.waitUntilUp(5000);
      const limiter = SharedRateLimiter.create({ ...KUCOIN_LIMITS, refill: 'external', windowMs: windowRealMs });
      const s = shapes(windowRealMs);
      const refiller = new QuotaRefiller({
        limiter,
        quota: new ClusterQuota(connection, keys, s),
        connection,
        shapes: s,
        peers: () => processes,
        tickMs: 10,
      });
      const client = new KucoinFuturesClient({
        baseUrl: sim.url,
        gate: new ScaledTimeGate(limiter, compression),
        timeoutMs: 10_000,
        observer: (r) => (r.ok ? ok++ : r.rateLimited ? rateLimited++ : undefined),
      });
      return { connection, limiter, refiller, client };
    }),
  );
  try {
    for (const p of parts) p.refiller.start();
    const stopAt = Date.now() + windows * windowRealMs;
    const lane = async (client: KucoinFuturesClient): Promise<void> => {
      while (Date.now() < stopAt) {
        try {
          const r = await client.serverTime();
          if (r.rateLimit) tracker.add(r.rateLimit, Date.now());
        } catch {
          // counted by the observer
        }
      }
    };
    await Promise.all(parts.flatMap((p) => Array.from({ length: lanes }, () => lane(p.client))));
    const admitted = parts.reduce((n, p) => n + p.limiter.stats('public').admitted, 0);
    const roundTrips = parts.reduce((n, p) => n + p.refiller.stats().roundTrips, 0);
    const windowUse = tracker.completeUse(Date.now());
    ctx.log(
      `${processes} process(es): ${ok} ok, ${rateLimited} × 429, ${fmt(roundTrips / Math.max(1, admitted))} Redis round trips per request, window use ${windowUse.map((u) => `${fmt(u * 100)} %`).join(', ')}`,
    );
    return { processes, ok, rateLimited, admitted, roundTrips, windowUse };
  } finally {
    for (const p of parts) {
      await p.refiller.stop();
      await p.connection.close();
    }
    await sim.close();
  }
}

export const clusterQuotaBenchmark: Benchmark = {
  id: 'cluster-quota',
  aliases: ['cluster', 'cluster-quota', 'redis'],
  title: 'Several processes on one account: shared quota through Redis',
  async run(ctx: BenchContext): Promise<BenchResult> {
    const started = Date.now();
    const windowRealMs = envNumber(ctx.env, 'BENCH_QUOTA_WINDOW_MS', 5000);
    const windows = Math.round(envNumber(ctx.env, 'BENCH_CLUSTER_WINDOWS', ctx.quick ? 3 : 5));
    // The same offered load for every N: this many requests in flight in total, split between the
    // processes (at least 4 each), so the figure is the limiter's, not one client's throughput.
    const lanes = Math.round(envNumber(ctx.env, 'BENCH_CLUSTER_LANES', 16));
    const redis = await RedisServer.start();
    try {
      // Warm-up (discarded): the client, the SDK and the Lua scripts are cold in the first run, which
      // showed as a load generator too slow to fill the first windows, not as a limiter effect.
      await runProcesses(ctx, redis.url, 1, 2, windowRealMs, lanes);
      const runs: RunOutcome[] = [];
      for (const n of [1, 2, 4])
        runs.push(await runProcesses(ctx, redis.url, n, windows, windowRealMs, Math.max(4, Math.ceil(lanes / n))));
      const figures: Figure[] = runs.map((r) => {
        const steady = (r.windowUse.length > 1 ? r.windowUse.slice(1) : r.windowUse).map((u) => u * 100);
        const use = measured(
          `server-counted use per complete window after the first, ${r.processes} process(es)`,
          '%',
          steady.length > 0 ? steady : [0],
        );
        const perRequest = r.roundTrips / Math.max(1, r.admitted);
        return {
          name: `${r.processes} process${r.processes > 1 ? 'es' : ''}`,
          result: use,
          baseline: null,
          ratio: null,
          ratioMeaning: '',
          targets: [
            {
              text: '≥ 85 % of the pool in use',
              met: use.summary.median >= 85,
              actual: `${fmt(use.summary.median)} % (lowest ${fmt(use.summary.min)} %)`,
            },
            { text: '0 × 429', met: r.rateLimited === 0, actual: `${r.rateLimited} × 429` },
            {
              text: '≤ 0.1 Redis round trips per admitted request',
              met: perRequest <= 0.1,
              actual: `${fmt(perRequest)} (${r.roundTrips} round trips, ${r.admitted} requests)`,
            },
          ],
          note: `every complete window: ${r.windowUse.map((u) => fmt(u * 100)).join(', ')} %`,
        };
      });
      return {
        id: this.id,
        title: this.title,
        method:
          `One real redis-server; for N = 1, 2, 4 processes (each: SharedRateLimiter with external refill, QuotaRefiller taking blocks of 20 % of the ` +
          `bucket capacity from the account-wide Lua bucket, its own Redis connection and client; ${lanes} server-time requests in flight in total, split between them) ` +
          `against one simulator's public pool (VIP0 ${POOL_QUOTA.public} per 30 s, window compressed to ${windowRealMs} ms on both sides) for ${windows} windows, after a discarded 2-window warm-up.`,
        status: 'measured',
        figures,
        details: { runs, windowRealMs, lanes },
        wallMs: Date.now() - started,
        ranAt: new Date(started).toISOString(),
        quick: ctx.quick,
      };
    } finally {
      await redis.stop();
    }
  },
};
