// Scanner worker entry: wires the shared limiter, the exchange client, the piscina pool and the
// executor RPC, then runs the scanner loop from src/.
import type { ExecutorApi } from '../src/executor/executor-api.js';
import type { KlineGranularity } from '../src/exchange/kucoin-futures-client.js';
import { systemClock } from '../src/resilience/clock.js';
import { createIndicatorPool } from '../src/scanner/indicator-pool.js';
import { PoolRuntime } from '../src/scanner/pool-runtime.js';
import { timedAnalyze, timedCalls, timedGate } from '../src/scanner/scan-phase-timing.js';
import { createScannerLoop } from '../src/scanner/scanner-loop.js';
import { runWorker } from '../src/worker-runtime/run-worker.js';
import { createWorkerExchangeClient } from '../src/worker-runtime/worker-exchange-client.js';
import { numberSetting } from '../src/worker-runtime/worker-settings.js';

runWorker<ExecutorApi>({
  createLoop(ctx) {
    const s = ctx.settings;
    const pool = createIndicatorPool(new URL('./indicator-task.js', import.meta.url));
    const poolRuntime = new PoolRuntime();
    pool.onThreadMessage((m) => poolRuntime.onMessage(m));
    ctx.addRuntimeSource('indicator-pool', () => poolRuntime.take());
    const timing = (name: string, ms: number): void => ctx.metrics.timing?.(name, ms);
    const timed = { ...ctx, gate: timedGate(ctx.gate, timing), metrics: timedCalls(ctx.metrics, timing) };
    const loop = createScannerLoop({
      client: createWorkerExchangeClient(timed),
      analyze: timedAnalyze((input, signal) => pool.analyze(input, signal), timing),
      executor: ctx.executor,
      metrics: ctx.metrics,
      log: ctx.log,
      reportError: ctx.reportError,
      clock: systemClock,
      intervalMs: numberSetting(s, 'scanIntervalMs', 60_000),
      options: {
        minTurnover: numberSetting(s, 'minTurnover', 1_000_000),
        minConfidence: numberSetting(s, 'minConfidence', 0.6),
        granularity: numberSetting(s, 'klineGranularity', 15) as KlineGranularity,
        maxCandidates: numberSetting(s, 'maxCandidates', 3),
      },
    });
    ctx.log.info('scanner started', { poolThreads: pool.threads });
    return {
      ...loop,
      async step(signal) {
        await loop.step(signal);
        const stats = pool.takeStats();
        ctx.metrics.gauge('poolThreads', stats.threads);
        ctx.metrics.gauge('cores', stats.cores);
        ctx.metrics.gauge('poolQueueWaitP99Ms', stats.queueWaitP99Ms);
      },
      close: () => pool.close(),
    };
  },
});
