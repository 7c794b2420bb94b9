// The position monitor's main loop (issue-4 version): one step = a REST refresh of open positions
// and a look at the executor's state. The trading issue adds the fast stop/take-profit/trailing
// checks against the streamed price and exit requests through `executor.call('requestExit', ...)`.
import type { ExchangeResult } from '../exchange/call-policy.js';
import type { Position } from '../exchange/schemas/index.js';
import type { ExecutorApi } from '../executor/executor-api.js';
import type { ExecutorClient } from '../worker-runtime/executor-link.js';
import type { MetricsSink } from '../worker-runtime/metrics-sender.js';
import type { WorkerLog } from '../worker-runtime/worker-log.js';
import type { WorkerLoop } from '../worker-runtime/worker-loop.js';

export interface MonitorExchange {
  positions(): Promise<ExchangeResult<Position[]>>;
}

export interface PositionMonitorLoopDeps {
  readonly exchange: MonitorExchange;
  readonly executor: ExecutorClient<ExecutorApi>;
  readonly metrics: MetricsSink;
  readonly log: WorkerLog;
  /** POSITION_UPDATE_INTERVAL in ms. */
  readonly intervalMs: number;
}

export function createPositionMonitorLoop(deps: PositionMonitorLoopDeps): WorkerLoop {
  const { metrics, log } = deps;
  let lastExecutorGeneration: number | undefined;
  return {
    intervalMs: deps.intervalMs,
    async step() {
      try {
        const positions = (await deps.exchange.positions()).data.filter((p) => p.currentQty !== 0);
        metrics.count('positionUpdates');
        metrics.gauge('openPositions', positions.length);
      } catch (err) {
        metrics.count('positionUpdateErrors');
        log.warn('position refresh failed', { error: (err as Error).message, code: (err as { code?: unknown }).code });
      }
      try {
        const snap = await deps.executor.call('snapshot');
        if (snap.generation !== lastExecutorGeneration) {
          log.info('connected to order executor', { generation: snap.generation });
          lastExecutorGeneration = snap.generation;
        }
      } catch (err) {
        metrics.count('executorRpcErrors');
        log.warn('executor unreachable', { error: (err as Error).message });
      }
    },
  };
}
