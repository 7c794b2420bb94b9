// Order executor worker entry: the only thread that places or cancels orders. Opens its own SQLite
// connection (connections cannot cross threads), serves the executor API to its peers over the
// ports the supervisor hands it, and runs its loop (reconciliation, account gauges).
import { createWorkerExchangeClient } from '../src/worker-runtime/worker-exchange-client.js';
import { accountScopeNotice } from '../src/executor/account-scope.js';
import { ExecutorService, createExecutorLoop } from '../src/executor/executor-service.js';
import type { ExecutorApi } from '../src/executor/executor-api.js';
import { OrderExecutor } from '../src/executor/order-executor.js';
import { Store } from '../src/store/index.js';
import { runWorker, type WorkerContext } from '../src/worker-runtime/run-worker.js';
import { parseWorkerSettings, type ExecutorSettings } from '../src/protocol/messages.js';
import { reconcileIntervalSeconds } from '../src/config/derived-intervals.js';
import { openLeaseOwnership, type LeaseOwnership } from '../src/cluster/lease-ownership.js';
import type { RedisConnection } from '../src/cluster/redis-connection.js';
import { systemClock } from '../src/resilience/clock.js';

let service: ExecutorService | undefined;
let store: Store | undefined;
let cluster: { ownership: LeaseOwnership; connection: RedisConnection } | undefined;
let settings: ExecutorSettings | undefined;

/** Checked once: serve() and createLoop() both read them. */
function settingsOf(ctx: WorkerContext<ExecutorApi>): ExecutorSettings {
  settings ??= parseWorkerSettings('order-executor', ctx.settings);
  return settings;
}

function serviceFor(ctx: WorkerContext<ExecutorApi>): ExecutorService {
  if (service) return service;
  const s = settingsOf(ctx);
  store = Store.open({ path: s.journalFile });
  if (s.cluster)
    cluster = openLeaseOwnership(
      s.cluster,
      ctx.log,
      (lost) =>
        ctx.publishTrade({
          type: 'alert',
          symbol: lost.symbol,
          reason: `lease lost (${lost.why}): another process on this account trades ${lost.symbol} now`,
          at: systemClock.now(),
        }),
      s.botId,
    );
  const executor = new OrderExecutor({
    exchange: createWorkerExchangeClient(ctx, s),
    store,
    limits: {
      maxOpenPositions: s.maxOpenPositions,
      leverage: s.leverage,
      riskPerTrade: s.riskPerTrade,
      maxNotional: s.maxNotional,
      dailyLossLimit: s.dailyLossLimit,
    },
    botId: s.botId,
    foreignPositions: s.foreignPositions,
    onEvent: (event) => ctx.publishTrade(event),
    logger: ctx.log,
    ...(cluster ? { ownership: cluster.ownership } : {}),
    timing: (name, ms) => ctx.metrics.timing?.(name, ms),
  });
  const journal = store;
  service = new ExecutorService({
    executor,
    metrics: ctx.metrics,
    log: ctx.log,
    publishScope: (scope) => ctx.publishAccountScope(accountScopeNotice(scope)),
    entriesPaused: () => journal.commands.paused(),
  });
  const svc = service;
  ctx.controls.on('close', (command) => svc.operatorClose(command.symbol));
  ctx.controls.on('close-all', () => svc.operatorCloseAll());
  return service;
}

runWorker<ExecutorApi>({
  serve: (ctx) => serviceFor(ctx),
  createLoop: (ctx) => {
    const loop = createExecutorLoop(
      serviceFor(ctx),
      reconcileIntervalSeconds(settingsOf(ctx).positionUpdateInterval) * 1000,
    );
    // Orders in flight are finished (confirmed, recorded, protected) before the store closes.
    return {
      ...loop,
      close: async () => {
        await service?.drain();
        // Nothing is in flight any more: hand the leases back so a standby takes over at once.
        await cluster?.ownership.shutdown();
        await cluster?.connection.close();
        store?.close();
      },
    };
  },
});
