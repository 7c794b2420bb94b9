// The order executor: the only component that places or cancels orders. Thread-agnostic: it is
// built from injected dependencies (exchange client, store, limits, clock, clientOid factory, event
// sink, logger) and the worker entry wires it to comlink. Every result is plain data.
//
// Call reconcile() once before trading (and after any restart); it is safe to call again at any
// time (e.g. periodically, to record trades closed by exchange stops).
import { systemClock } from '../resilience/clock.js';
import type { AccountScopeSnapshot } from './account-scope.js';
import type { CloseReason, Position } from '../store/index.js';
import { createBotId, createClientOidFactory } from './client-oid.js';
import { EntryFlow, type KillSwitchView, type OpenOptions, type OpenResult } from './entry-flow.js';
import type { EntryProposal } from './executor-api.js';
import { ExecutorContext } from './executor-context.js';
import { resolveExecutorOptions, type OrderExecutorOptions } from './executor-options.js';
import { ExitFlow, type CloseResult } from './exit-flow.js';
import { errorMessage } from './order-sender.js';
import { Reconciler, type ReconcileReport } from './reconciler.js';
import { KeyedSerial, SingleFlight } from './single-flight.js';
import { StopManager } from './stop-manager.js';
import { StopMover, type MoveStopResult } from './stop-mover.js';

export interface ExecutorStatus {
  /** Account equity from the exchange; the last known value when the exchange could not be asked. */
  readonly equity: number | null;
  readonly equityStale: boolean;
  readonly today: {
    readonly day: string;
    readonly realisedPnl: number;
    readonly fees: number;
    readonly trades: number;
    readonly wins: number;
    readonly losses: number;
    readonly startEquity: number | null;
  };
  readonly killSwitch: KillSwitchView | null;
  readonly openPositions: number;
  /** Symbols flat on the exchange without exit fills (no trade booked yet). */
  readonly unsettled: readonly string[];
  readonly entriesInFlight: readonly string[];
}

export class OrderExecutor {
  private readonly ctx: ExecutorContext;
  private readonly entries: EntryFlow;
  private readonly exits: ExitFlow;
  private readonly mover: StopMover;
  private readonly reconciler: Reconciler;
  private readonly reconciling = new SingleFlight<'all', ReconcileReport>();
  private lastEquity: number | null = null;

  constructor(options: OrderExecutorOptions) {
    const clock = options.clock ?? systemClock;
    const o = resolveExecutorOptions(options, {
      clock,
      botId: () => options.store.identity.botId(() => createBotId()),
      clientOid: (botId, c) => createClientOidFactory({ botId, clock: c }),
    });
    this.ctx = new ExecutorContext(o);
    const serial = new KeyedSerial<string>();
    const stops = new StopManager(this.ctx);
    this.exits = new ExitFlow(this.ctx, stops, serial);
    this.entries = new EntryFlow(this.ctx, stops, this.exits);
    this.mover = new StopMover(this.ctx, stops, serial);
    this.reconciler = new Reconciler(this.ctx, stops, this.exits, serial);
  }

  /** Risk-checked, journaled, confirmed entry with an exchange stop; see entry-flow.ts. */
  openPosition(signal: EntryProposal, options?: OpenOptions): Promise<OpenResult> {
    return this.entries.open(signal, options);
  }

  /**
   * Exactly one close per position; a no-op returning the recorded trade once closed. With
   * `positionId`, only that position is closed (never a newer one on the symbol).
   */
  closePosition(symbol: string, reason: CloseReason = 'manual', positionId?: number): Promise<CloseResult> {
    return this.exits.close(symbol, reason, positionId);
  }

  /** Tightens the exchange stop (new one placed before the old one is cancelled). */
  moveStop(symbol: string, newStop: number): Promise<MoveStopResult> {
    return this.mover.move(symbol, newStop);
  }

  /** Concurrent calls share one run. After each run, health hears what it left undone. */
  reconcile(): Promise<ReconcileReport> {
    return this.reconciling.run('all', async () => {
      const report = await this.reconciler.run();
      this.ctx.journal.publish();
      this.publishHealth(report);
      return report;
    });
  }

  /** What on the account is not the bot's, as the latest reconciliation saw it. */
  accountScope(): AccountScopeSnapshot {
    return this.ctx.scope.snapshot();
  }

  /** The contract's price step (the dashboard prints prices at it); undefined for an unknown symbol. */
  async tickSize(symbol: string): Promise<number | undefined> {
    return (await this.ctx.contracts.get(symbol))?.tickSize;
  }

  /**
   * DEGRADED while a pass leaves intents without an outcome (they keep entries closed) or failed a
   * step, naming them; DEGRADED while positions are unsettled, naming the symbols.
   */
  private publishHealth(report: ReconcileReport): void {
    const blocking = report.blockingIntents;
    const incomplete = blocking.length > 0 || report.errors.length > 0;
    this.ctx.emit({
      type: 'health',
      symbol: '',
      key: 'reconcile',
      status: incomplete ? 'DEGRADED' : null,
      reason:
        blocking.length > 0
          ? `reconciliation incomplete; blocking intents: ${blocking.join(', ')}`
          : `reconciliation incomplete: ${report.errors.slice(0, 3).join('; ')}`,
    });
    const unsettled = this.unsettledSymbols();
    this.ctx.emit({
      type: 'health',
      symbol: '',
      key: 'unsettled',
      status: unsettled.length > 0 ? 'DEGRADED' : null,
      reason: `positions unsettled (flat on the exchange, no exit fills yet; no PnL booked): ${unsettled.join(', ')}`,
    });
  }

  private unsettledSymbols(): string[] {
    return this.ctx.unsettled.list().map((u) => u.symbol);
  }

  /**
   * Open (and closing) positions as recorded, oldest first; unsettled ones (flat on the exchange)
   * are not open and not guarded.
   */
  openPositions(): Position[] {
    const recorded = this.ctx.store.positions
      .active()
      .filter((p) => !this.ctx.unsettled.has(p.id) && !this.ctx.closesAwaitingJournal.has(p.id))
      .map((p) => this.ctx.overlay(p));
    this.ctx.rememberOwn(recorded);
    const held = new Set(recorded.map((p) => p.symbol));
    return [
      ...recorded,
      ...[...this.ctx.provisional.values()].map((e) => e.position).filter((p) => !held.has(p.symbol)),
    ];
  }

  async status(): Promise<ExecutorStatus> {
    let stale = false;
    try {
      this.lastEquity = (await this.ctx.exchange.accountOverview()).data.accountEquity;
    } catch (e) {
      stale = true;
      this.ctx.log.warn('status: account overview failed', { error: errorMessage(e) });
    }
    let kill: KillSwitchView | null = null;
    try {
      kill = this.lastEquity === null ? null : this.entries.killSwitch(this.lastEquity);
    } catch (e) {
      // The kill switch records the day's first equity: with the journal unwritable, no verdict.
      if (!this.ctx.journal.noteFailure(e, 'start-of-day equity')) throw e;
    }
    const d = this.ctx.store.dailyPnl.current();
    return {
      equity: this.lastEquity,
      equityStale: stale,
      today: {
        day: d.day,
        realisedPnl: d.realisedPnl,
        fees: d.fees,
        trades: d.trades,
        wins: d.wins,
        losses: d.losses,
        startEquity: d.startEquity,
      },
      killSwitch: kill,
      openPositions: this.openPositions().length,
      unsettled: this.unsettledSymbols(),
      entriesInFlight: this.entries.inFlight,
    };
  }
}
