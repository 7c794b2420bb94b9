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
import { parseWorkerSettings } from '../src/protocol/messages.js';

runWorker<ExecutorApi>({
  createLoop(ctx) {
    const s = parseWorkerSettings('scanner', ctx.settings);
    const pool = createIndicatorPool(new URL('./indicator-task.js', import.meta.url));
    const poolRuntime = new PoolRuntime();
    pool.onThreadMessage((m) => poolRuntime.onMessage(m));
    ctx.addRuntimeSource('indicator-pool', () => poolRuntime.take());
    const timing = (name: string, ms: number): void => ctx.metrics.timing?.(name, ms);
    const timed = { ...ctx, gate: timedGate(ctx.gate, timing), metrics: timedCalls(ctx.metrics, timing) };
    const loop = createScannerLoop({
      client: createWorkerExchangeClient(timed, s),
      analyze: timedAnalyze((input, signal) => pool.analyze(input, signal), timing),
      executor: ctx.executor,
      metrics: ctx.metrics,
      log: ctx.log,
      reportError: ctx.reportError,
      clock: systemClock,
      intervalMs: s.checkInterval * 1000,
      options: {
        minTurnover: s.minTurnover,
        minConfidence: s.minConfidence,
        granularity: s.klineGranularity as KlineGranularity,
        // No more candidates per scan than positions the executor may open.
        maxCandidates: s.maxOpenPositions,
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
