// The scanner worker's loop: one step = one MarketScanner pass over every tradable contract, its
// candidates proposed to the executor best first; duration and errors reported as metrics.
import type { ExecutorApi, EntryProposal } from '../executor/executor-api.js';
import type { Clock } from '../resilience/clock.js';
import type { SignalResult } from '../strategy/signal-types.js';
import type { ExecutorClient } from '../worker-runtime/executor-link.js';
import type { MetricsSink } from '../worker-runtime/metrics-sender.js';
import type { WorkerLog } from '../worker-runtime/worker-log.js';
import type { WorkerLoop } from '../worker-runtime/worker-loop.js';
import { MarketScanner, type AnalyzeFn, type MarketScannerOptions, type ScannerClient } from './market-scanner.js';

export interface ScannerLoopDeps {
  readonly client: ScannerClient;
  /** Indicator maths off-thread (the piscina pool). */
  readonly analyze: AnalyzeFn;
  readonly executor: ExecutorClient<ExecutorApi>;
  readonly metrics: MetricsSink;
  readonly log: WorkerLog;
  /** Absorbed errors for the supervisor's recent-errors list. */
  readonly reportError?: (error: unknown) => void;
  readonly clock: Clock;
  /** CHECK_INTERVAL in ms. */
  readonly intervalMs: number;
  readonly options: MarketScannerOptions;
}

/**
 * A candidate as the executor reads it. Confidence, indicators and reasons stay in the scanner:
 * the ranking already put the best first, and nothing on the executor's side reads them.
 */
export function toProposal(s: SignalResult): EntryProposal {
  if (s.side === 'none') throw new Error(`${s.symbol}: a signal without a side is not a proposal`);
  return {
    symbol: s.symbol,
    side: s.side,
    price: s.price,
    ...(s.stopPrice !== undefined ? { stopPrice: s.stopPrice } : {}),
    ...(s.takeProfitPrice !== undefined ? { takeProfitPrice: s.takeProfitPrice } : {}),
    ...(s.atr !== undefined ? { atr: s.atr } : {}),
  };
}

export function createScannerLoop(deps: ScannerLoopDeps): WorkerLoop {
  const { metrics, log } = deps;
  const scanner = new MarketScanner({
    client: deps.client,
    analyze: deps.analyze,
    clock: deps.clock,
    options: deps.options,
    propose: async (candidates) => {
      const decisions = await deps.executor.call('proposeEntries', candidates.map(toProposal));
      decisions.forEach((d, i) => {
        metrics.count(d.accepted ? 'proposalsAccepted' : 'proposalsRefused');
        if (!d.accepted) log.debug('proposal refused', { symbol: candidates[i]?.symbol, reason: d.reason });
      });
    },
  });
  return {
    intervalMs: deps.intervalMs,
    async step(signal) {
      const report = await scanner.scanOnce(signal);
      if (report.aborted) return;
      metrics.count('scans');
      metrics.count('scanMsTotal', report.durationMs);
      metrics.count('scanErrors', report.errors.length);
      metrics.gauge('lastScanMs', report.durationMs);
      metrics.gauge('symbolsScanned', report.symbolsScanned);
      metrics.gauge('candidates', report.candidates.length);
      // A few per scan: enough to show what is failing without flooding the report's error ring.
      for (const e of report.errors.slice(0, 3)) {
        log.warn('scan error', { symbol: e.symbol, error: e.message });
        deps.reportError?.(new Error(`${e.symbol}: ${e.message}`));
      }
      // A scan that proposed nothing and failed nowhere is routine: debug, not a line every interval.
      const eventful = report.proposed > 0 || report.errors.length > 0;
      log[eventful ? 'info' : 'debug']('scan complete', {
        symbols: report.symbolsScanned,
        eligible: report.symbolsEligible,
        signals: report.signals,
        proposed: report.proposed,
        errors: report.errors.length,
        ms: Math.round(report.durationMs),
      });
    },
  };
}
