// Position monitor worker entry: exchange client through the shared limiter, executor RPC, loop.
import type { ExecutorApi } from '../src/executor/executor-api.js';
import { createPositionMonitorLoop } from '../src/position-monitor/position-monitor-loop.js';
import { systemClock } from '../src/resilience/clock.js';
import { runWorker } from '../src/worker-runtime/run-worker.js';
import { createWorkerExchangeClient } from '../src/worker-runtime/worker-exchange-client.js';
import { parseWorkerSettings } from '../src/protocol/messages.js';

runWorker<ExecutorApi>({
  createLoop: (ctx) => {
    const s = parseWorkerSettings('position-monitor', ctx.settings);
    const client = createWorkerExchangeClient(ctx, s);
    return createPositionMonitorLoop({
      client: {
        positions: () => client.positions(),
        activeContracts: () => client.activeContracts(),
        ticker: (symbol) => client.ticker(symbol),
        publicStream: () => {
          const stream = client.publicStream();
          // Counted for the "frequent stream reconnects" suggestion.
          stream.onState((state) => state === 'reconnecting' && ctx.metrics.count('streamReconnects'));
          return stream;
        },
      },
      executor: ctx.executor,
      metrics: ctx.metrics,
      log: ctx.log,
      reportError: ctx.reportError,
      clock: systemClock,
      liveLoopMs: s.liveLoopInterval * 1000,
      refreshMs: s.positionUpdateInterval * 1000,
      guard: { trailingStopPercentage: s.trailingStopPercentage },
    });
  },
});
