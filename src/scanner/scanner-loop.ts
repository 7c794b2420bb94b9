// The scanner's main loop (issue-4 version): one step = read server time, list active USDT
// perpetuals above a turnover floor, fetch klines for the busiest, score them in the piscina pool,
// and propose the best candidate to the executor. Dependencies are injected so the trading issue
// can grow this without touching the worker entry.
import type { ExchangeResult } from '../exchange/call-policy.js';
import type { KlineQuery } from '../exchange/kucoin-futures-client.js';
import type { Contract, Kline } from '../exchange/schemas/index.js';
import type { ExecutorApi } from '../executor/executor-api.js';
import type { IndicatorTaskInput, SignalResult } from '../strategy/signal-types.js';
import type { ExecutorClient } from '../worker-runtime/executor-link.js';
import type { MetricsSink } from '../worker-runtime/metrics-sender.js';
import type { WorkerLog } from '../worker-runtime/worker-log.js';
import type { WorkerLoop } from '../worker-runtime/worker-loop.js';

export interface ScannerExchange {
  serverTime(): Promise<ExchangeResult<number>>;
  activeContracts(): Promise<ExchangeResult<Contract[]>>;
  klines(query: KlineQuery): Promise<ExchangeResult<Kline[]>>;
}

export interface ScannerLoopDeps {
  readonly exchange: ScannerExchange;
  /** Indicator maths off-thread (the piscina pool); rejects when `signal` aborts. */
  readonly analyze: (input: IndicatorTaskInput, signal: AbortSignal) => Promise<SignalResult>;
  readonly executor: ExecutorClient<ExecutorApi>;
  readonly metrics: MetricsSink;
  readonly log: WorkerLog;
  readonly clock: () => number;
  readonly intervalMs: number;
  readonly maxSymbols: number;
  readonly granularityMinutes: KlineQuery['granularity'];
  readonly klineCount: number;
  readonly minTurnover: number;
  readonly minConfidence: number;
}

export function createScannerLoop(deps: ScannerLoopDeps): WorkerLoop {
  const { metrics, log } = deps;
  return {
    intervalMs: deps.intervalMs,
    async step(signal) {
      const started = deps.clock();
      try {
        const now = (await deps.exchange.serverTime()).data;
        const contracts = (await deps.exchange.activeContracts()).data
          .filter((c) => c.settleCurrency === 'USDT' && c.status === 'Open' && !c.isInverse && c.turnoverOf24h >= deps.minTurnover)
          .sort((a, b) => b.turnoverOf24h - a.turnoverOf24h)
          .slice(0, deps.maxSymbols);
        const from = now - deps.klineCount * deps.granularityMinutes * 60_000;
        const results = await Promise.all(
          contracts.map(async (c) => {
            const klines = (await deps.exchange.klines({ symbol: c.symbol, granularity: deps.granularityMinutes, from, to: now })).data;
            return deps.analyze({ symbol: c.symbol, klines }, signal);
          }),
        );
        const candidates = results
          .filter((r) => r.side !== 'none' && r.confidence >= deps.minConfidence && Number.isFinite(r.price))
          .sort((a, b) => b.confidence - a.confidence);
        metrics.count('scans');
        metrics.gauge('symbolsScanned', contracts.length);
        metrics.gauge('candidates', candidates.length);
        const best = candidates[0];
        if (best && best.side !== 'none') {
          const decision = await deps.executor.call('proposeEntry', {
            symbol: best.symbol,
            side: best.side,
            confidence: best.confidence,
            price: best.price,
            ...(best.stopPrice !== undefined ? { stopPrice: best.stopPrice } : {}),
            ...(best.takeProfitPrice !== undefined ? { takeProfitPrice: best.takeProfitPrice } : {}),
            reasons: best.reasons,
          });
          metrics.count(decision.accepted ? 'proposalsAccepted' : 'proposalsRefused');
        }
        log.info('scan complete', { symbols: contracts.length, candidates: candidates.length, ms: deps.clock() - started });
      } catch (err) {
        if (signal.aborted) return; // shutting down mid-scan: the step just ends
        metrics.count('scanErrors');
        log.warn('scan failed', { error: (err as Error).message, code: (err as { code?: unknown }).code });
      } finally {
        metrics.gauge('lastScanMs', deps.clock() - started);
      }
    },
  };
}
