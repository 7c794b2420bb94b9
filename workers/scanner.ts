// Scanner worker entry: wires the shared limiter, the exchange client, the piscina pool and the
// executor RPC, then runs the scanner loop from src/.
import { createScannerLoop } from '../src/scanner/scanner-loop.js';
import { createIndicatorPool } from '../src/scanner/indicator-pool.js';
import type { ExecutorApi } from '../src/executor/executor-api.js';
import type { KlineQuery } from '../src/exchange/kucoin-futures-client.js';
import { runWorker } from '../src/worker-runtime/run-worker.js';
import { createWorkerExchangeClient } from '../src/worker-runtime/worker-exchange-client.js';
import { numberSetting } from '../src/worker-runtime/worker-settings.js';

runWorker<ExecutorApi>({
  createLoop(ctx) {
    const s = ctx.settings;
    const pool = createIndicatorPool(new URL('./indicator-task.js', import.meta.url));
    const loop = createScannerLoop({
      exchange: createWorkerExchangeClient(ctx),
      analyze: (input, signal) => pool.analyze(input, signal),
      executor: ctx.executor,
      metrics: ctx.metrics,
      log: ctx.log,
      clock: Date.now,
      intervalMs: numberSetting(s, 'scanIntervalMs', 60_000),
      maxSymbols: numberSetting(s, 'maxSymbols', 20),
      granularityMinutes: numberSetting(s, 'klineGranularity', 15) as KlineQuery['granularity'],
      klineCount: numberSetting(s, 'klineCount', 100),
      minTurnover: numberSetting(s, 'minTurnover', 0),
      minConfidence: numberSetting(s, 'minConfidence', 0.6),
    });
    ctx.log.info('scanner started', { poolThreads: pool.threads });
    return { ...loop, close: () => pool.close() };
  },
});
