// ExecutorApi on top of OrderExecutor: what the executor worker serves to its peers, plus the
// executor's own loop (periodic reconciliation, account gauges).
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';
import type { MetricsSink } from '../worker-runtime/metrics-sender.js';
import type { WorkerLoop } from '../worker-runtime/worker-loop.js';
import {
  type EntryProposal,
  type ExecutorApi,
  type ExecutorDecision,
  type ExitRequest,
  isExitReason,
} from './executor-api.js';
import type { ExecutorLogger } from './executor-options.js';
import type { AccountScopeSnapshot } from './account-scope.js';
import type { OrderExecutor } from './order-executor.js';

export interface ExecutorServiceDeps {
  readonly executor: OrderExecutor;
  readonly metrics: MetricsSink;
  readonly log: ExecutorLogger;
  /** Receives what on the account is not the bot's after every reconciliation (the supervisor's /health). */
  readonly publishScope?: (scope: AccountScopeSnapshot) => void;
  /** The operator's entry switch (`npm run ctl -- pause`), read before every entry. Default: never paused. */
  readonly entriesPaused?: () => boolean;
  /** Bounds the final reconciliation at shutdown. Default systemClock. */
  readonly clock?: Clock;
}

/** Longest the shutdown waits for the final reconciliation. */
const FINAL_RECONCILE_MS = 3000;

export class ExecutorService implements ExecutorApi {
  /** False until the first reconciliation with the exchange finished: no entries before that. */
  private reconciled = false;
  /** Order operations (entries, exits, stop moves) still running: a graceful stop waits for them. */
  private readonly operations = new Set<Promise<unknown>>();
  private draining = false;

  constructor(private readonly deps: ExecutorServiceDeps) {}

  proposeEntries(proposals: readonly EntryProposal[]): Promise<ExecutorDecision[]> {
    return this.track(this.openEntries(proposals));
  }

  /**
   * Graceful shutdown: refuse new entries and wait for every operation in flight to finish, so an
   * order already on its way is confirmed, recorded and protected by its stop before the thread
   * exits (the supervisor's SHUTDOWN_TIMEOUT bounds the wait).
   */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.operations.size > 0)
      this.deps.log.info('finishing order operations in flight before shutdown', { operations: this.operations.size });
    while (this.operations.size > 0) await Promise.allSettled([...this.operations]);
    // One last pass, so exchange stops that fired since the previous one are journaled now rather
    // than at the next start. Bounded: the exchange may be the reason we are stopping.
    let bound: TimerHandle | undefined;
    await Promise.race([
      this.deps.executor
        .reconcile()
        .catch((err: unknown) => this.deps.log.warn('final reconciliation failed', { error: (err as Error).message })),
      new Promise<void>(
        (resolve) => (bound = (this.deps.clock ?? systemClock).setTimeout(() => resolve(), FINAL_RECONCILE_MS).unref()),
      ),
    ]);
    bound?.cancel();
  }

  /**
   * The open-positions gauge right after every entry or exit, not only on the loop's refresh: the
   * health monitor takes the gauge as the truth, so a stale one undid the opened/closed events
   * (the final report said "Open: 0" with a position just opened during the graceful stop).
   */
  private publishOpenCount(): void {
    try {
      this.deps.metrics.gauge('openPositions', this.deps.executor.openPositions().length);
    } catch (err) {
      this.deps.log.warn('open positions gauge failed', { error: (err as Error).message });
    }
  }

  private track<T>(operation: Promise<T>): Promise<T> {
    this.operations.add(operation);
    const forget = (): void => void this.operations.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  private async openEntries(proposals: readonly EntryProposal[]): Promise<ExecutorDecision[]> {
    const decisions: ExecutorDecision[] = [];
    for (const p of proposals) {
      this.deps.metrics.count('proposalsReceived');
      if (this.draining) {
        decisions.push({ accepted: false, reason: 'executor is shutting down' });
        continue;
      }
      if (this.isPaused()) {
        decisions.push({ accepted: false, reason: 'entries paused by the operator' });
        continue;
      }
      if (!this.reconciled) {
        decisions.push({ accepted: false, reason: 'executor has not reconciled with the exchange yet' });
        continue;
      }
      const result = await this.deps.executor.openPosition(p);
      this.publishOpenCount();
      if (result.ok) {
        this.deps.metrics.count('entriesOpened');
        decisions.push({ accepted: true, detail: result.entryClientOid });
      } else {
        this.deps.metrics.count('entriesRefused');
        decisions.push({ accepted: false, reason: `${result.stage}: ${result.reason}` });
      }
    }
    return decisions;
  }

  /** Exits, stops and monitoring go on while paused; only new entries wait. A failed read pauses too. */
  private isPaused(): boolean {
    try {
      return this.deps.entriesPaused?.() ?? false;
    } catch (err) {
      this.deps.log.warn('could not read the pause switch; refusing entries', { error: (err as Error).message });
      return true;
    }
  }

  /**
   * Operator close (`npm run ctl -- close <SYMBOL>`): the same reduce-only, one-close-per-position
   * path as a stop-loss exit. Throws with a reason a person can act on when nothing was closed.
   */
  async operatorClose(symbol: string): Promise<string> {
    if (!this.deps.executor.openPositions().some((p) => p.symbol === symbol))
      throw new Error(`no open position in ${symbol}`);
    const decision = await this.requestExit({ symbol, reason: 'manual' });
    if (!decision.accepted) throw new Error(`${symbol}: ${decision.reason}`);
    return `${symbol}: ${decision.detail ?? 'closed'}`;
  }

  /** Closes every open position, all at once (each through its own single close). */
  async operatorCloseAll(): Promise<string> {
    const symbols = [...new Set(this.deps.executor.openPositions().map((p) => p.symbol))];
    if (symbols.length === 0) return 'no open positions';
    const results = await Promise.all(
      symbols.map((symbol) =>
        this.requestExit({ symbol, reason: 'manual' }).then(
          (d) => ({ symbol, ok: d.accepted, text: d.accepted ? (d.detail ?? 'closed') : d.reason }),
          (err: unknown) => ({ symbol, ok: false, text: (err as Error).message }),
        ),
      ),
    );
    const summary = results.map((r) => `${r.symbol}: ${r.text}`).join('; ');
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} not closed (${summary})`);
    return `${results.length} closed (${summary})`;
  }

  requestExit(request: ExitRequest): Promise<ExecutorDecision> {
    this.deps.metrics.count('exitRequestsReceived');
    // A stale or buggy peer's unknown reason still closes, journaled as manual.
    const reason = isExitReason(request.reason) ? request.reason : 'manual';
    return this.track(
      this.deps.executor.closePosition(request.symbol, reason, request.positionId).then((result): ExecutorDecision => {
        this.publishOpenCount();
        return result.ok
          ? { accepted: true, detail: result.alreadyClosed ? 'already closed' : 'closed' }
          : { accepted: false, reason: result.reason };
      }),
    );
  }

  moveStop(symbol: string, stopPrice: number): Promise<ExecutorDecision> {
    return this.track(
      this.deps.executor
        .moveStop(symbol, stopPrice)
        .then(
          (result): ExecutorDecision =>
            result.ok
              ? { accepted: true, detail: `${result.from ?? 'none'} -> ${result.to}` }
              : { accepted: false, reason: result.reason },
        ),
    );
  }

  async openPositions() {
    return this.deps.executor.openPositions();
  }

  /** One loop step: reconcile with the exchange, then refresh the account view and gauges. */
  async refresh(): Promise<void> {
    const { metrics, log } = this.deps;
    try {
      const report = await this.deps.executor.reconcile();
      metrics.count('reconciliations');
      // Entries wait for one complete picture of the exchange: a pass that could not read positions,
      // intents or fills might hide a position we already hold.
      if (!this.reconciled && report.errors.length === 0) {
        log.info('reconciled with the exchange; accepting entries', { ...report });
        this.reconciled = true;
      } else if (!this.reconciled) {
        log.warn('reconciliation incomplete; entries stay closed until a complete pass', { errors: report.errors });
      }
    } catch (err) {
      metrics.count('reconcileErrors');
      log.warn('reconciliation failed', { error: (err as Error).message });
    }
    try {
      const scope = this.deps.executor.accountScope();
      metrics.gauge('foreignOrders', scope.foreignOrders);
      metrics.gauge('foreignPositions', scope.foreignPositions.length);
      metrics.gauge('contestedSymbols', scope.contested.length);
      this.deps.publishScope?.(scope);
    } catch (err) {
      log.warn('account scope report failed', { error: (err as Error).message });
    }
    try {
      const status = await this.deps.executor.status();
      if (status.equity !== null) metrics.gauge('equity', status.equity);
      metrics.gauge('openPositions', status.openPositions);
      metrics.gauge('unsettledPositions', status.unsettled.length);
      // The dashboard prints each position's prices at its contract's tick.
      for (const p of this.deps.executor.openPositions()) {
        const tick = await this.deps.executor.tickSize(p.symbol);
        if (tick !== undefined) metrics.gauge(`tick:${p.symbol}`, tick);
      }
      metrics.gauge('realisedToday', status.today.realisedPnl);
      metrics.gauge('killSwitchActive', status.killSwitch?.active ? 1 : 0);
    } catch (err) {
      metrics.count('accountRefreshErrors');
      log.warn('executor status failed', { error: (err as Error).message });
    }
  }
}

export function createExecutorLoop(service: ExecutorService, intervalMs: number): WorkerLoop {
  return { intervalMs, step: () => service.refresh() };
}
