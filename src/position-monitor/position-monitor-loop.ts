// The position monitor worker's loop. Each step (every LIVE_LOOP_INTERVAL) checks every guarded
// position's stop, take-profit and trailing stop against the latest streamed price; every
// POSITION_UPDATE_INTERVAL it also re-reads positions over REST so marks, sizes and the guarded
// set stay true, and re-points the price feed at the open symbols.
import type { ExecutorApi } from '../executor/executor-api.js';
import { TIMINGS } from '../perf/performance-figures.js';
import type { Clock } from '../resilience/clock.js';
import type { ExecutorClient } from '../worker-runtime/executor-link.js';
import type { MetricsSink } from '../worker-runtime/metrics-sender.js';
import type { WorkerLog } from '../worker-runtime/worker-log.js';
import type { WorkerLoop } from '../worker-runtime/worker-loop.js';
import { PositionGuard, type GuardClient, type GuardExecutor, type PositionGuardOptions } from './position-guard.js';
import { PriceFeed, type PriceFeedClient, type PriceQuote } from './price-feed.js';

export interface PositionMonitorLoopDeps {
  readonly client: GuardClient & PriceFeedClient;
  readonly executor: ExecutorClient<ExecutorApi>;
  readonly metrics: MetricsSink;
  readonly log: WorkerLog;
  /** Absorbed errors for the supervisor's recent-errors list. */
  readonly reportError?: (error: unknown) => void;
  readonly clock: Clock;
  /** LIVE_LOOP_INTERVAL in ms: the fast price check. */
  readonly liveLoopMs: number;
  /** POSITION_UPDATE_INTERVAL in ms: the REST refresh. */
  readonly refreshMs: number;
  readonly guard?: PositionGuardOptions;
}

/** The executor RPC in the shape the guard expects. */
export function guardExecutor(executor: ExecutorClient<ExecutorApi>): GuardExecutor {
  return {
    openPositions: () => executor.call('openPositions'),
    closePosition: (symbol, reason, positionId) =>
      executor.call('requestExit', { symbol, reason, ...(positionId !== undefined && { positionId }) }),
    moveStop: (symbol, stop) => executor.call('moveStop', symbol, stop),
  };
}

export function createPositionMonitorLoop(deps: PositionMonitorLoopDeps): WorkerLoop {
  const { metrics, log, clock } = deps;
  const onError = (message: string): void => log.warn(message);
  const guard = new PositionGuard({
    executor: guardExecutor(deps.executor),
    client: deps.client,
    clock,
    ...(deps.guard ? { options: deps.guard } : {}),
    onError,
  });
  /** One price check; the reaction time runs from the quote's receipt to the close request. */
  const check = (quote: PriceQuote): void => {
    const action = guard.onPrice(quote.symbol, quote.price);
    if (action.kind === 'close') metrics.timing?.(TIMINGS.reaction, clock.now() - quote.at);
  };
  // Streamed quotes are checked on arrival; the loop step re-checks every symbol (REST fallback
  // quotes, trailing stops) every LIVE_LOOP_INTERVAL. Checking a quote twice is harmless: the
  // guard sends at most one close per position.
  const feed = new PriceFeed({ client: deps.client, clock, onError, onQuote: check });
  let lastRefresh = Number.NEGATIVE_INFINITY;

  async function refresh(): Promise<void> {
    const report = await guard.refresh();
    metrics.count('positionUpdates');
    if (report.errors.length > 0) metrics.count('positionUpdateErrors', report.errors.length);
    for (const message of report.errors.slice(0, 3)) deps.reportError?.(new Error(message));
    await feed.setSymbols(guard.symbols());
    await feed.pollStale();
    // Per-position marks for the dashboard (the supervisor only knows what the store recorded).
    for (const p of guard.positions()) {
      if (p.mark !== null) metrics.gauge(`mark:${p.symbol}`, p.mark);
      if (p.unrealisedPnl !== null) metrics.gauge(`upnl:${p.symbol}`, p.unrealisedPnl);
    }
    const m = guard.metrics();
    metrics.gauge('guardedPositions', m.openPositions);
    metrics.gauge('closesRequested', m.closesRequested);
    metrics.gauge('stopMovesRequested', m.stopMovesRequested);
  }

  return {
    intervalMs: deps.liveLoopMs,
    async step() {
      const now = clock.now();
      if (now - lastRefresh >= deps.refreshMs) {
        lastRefresh = now;
        try {
          await refresh();
        } catch (err) {
          metrics.count('positionUpdateErrors');
          log.warn('position refresh failed', { error: (err as Error).message });
          deps.reportError?.(err);
        }
      }
      for (const symbol of guard.symbols()) {
        const quote = feed.latest(symbol);
        if (quote) check(quote);
      }
    },
    async close() {
      await guard.idle();
      await feed.close();
    },
  };
}
