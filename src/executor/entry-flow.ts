// Opening a position, correct with money first:
//   validate the signal -> equity and kill switch -> portfolio gate -> symbol lease -> contract facts -> stop from
//   the signal -> size -> guard (entry AND its stop) -> journal (pending) -> send (same clientOid on
//   every retry) -> confirm the fill from fills -> record the position -> place the exchange stop.
// If the stop cannot be placed the position is closed at once: it is never left unprotected.
import { canOpenPosition, checkDailyLoss, guardOrder, positionSize, roundToTick } from '../risk/index.js';
import { isIntentInFlightError, type Position, type PositionSide } from '../store/index.js';
import { toContractSpec } from './contract-cache.js';
import { entrySide, exitSide, type ExecutorContext } from './executor-context.js';
import type { EntryProposal } from './executor-api.js';
import type { ExitFlow } from './exit-flow.js';
import { confirmOrder, resolveByClientOid } from './order-confirmation.js';
import { journalFailureCode } from './journal-guard.js';
import { errorMessage } from './order-sender.js';
import type { StopManager } from './stop-manager.js';
import type { RejectStage } from '../protocol/trade-event.js';
import { toFillInput } from './fill-summary.js';
import { TIMINGS } from '../perf/performance-figures.js';
import { defined } from '../invariant/invariant-error.js';

export interface OpenOptions {
  /**
   * Lots to order instead of the risk-based size (manual trading, tests). Still passes every check
   * of the order guard: a NaN, negative, off-lot or oversized value is rejected, never sent.
   */
  readonly size?: number;
}

export type OpenResult =
  | { readonly ok: true; readonly position: Position; readonly stopOrderId: string; readonly entryClientOid: string }
  | { readonly ok: false; readonly stage: RejectStage; readonly reason: string; readonly entryClientOid?: string };

export interface KillSwitchView {
  readonly active: boolean;
  readonly reason: string | null;
  readonly lossToday: number;
  readonly limitAmount: number;
  readonly startOfDayEquity: number;
  /** Account equity the check used (account overview). */
  readonly currentEquity: number;
  /** The journal's realised PnL today: reported, not judged. */
  readonly realisedToday: number;
}

const isPos = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

export class EntryFlow {
  private killSwitchDay: string | null = null;
  /** The day the kill switch tripped and why; it stays active for the rest of that UTC day. */
  private latch: { readonly day: string; readonly reason: string } | null = null;
  /** The day the journal was last searched for an earlier trip (once per day, not per entry). */
  private latchChecked: string | null = null;

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly stops: StopManager,
    private readonly exits: ExitFlow,
  ) {}

  /** Symbols with an entry in flight (they count as open for the portfolio gate). */
  get inFlight(): readonly string[] {
    return [...this.ctx.entering];
  }

  /**
   * Kill switch from the account's equity now (the exchange's account overview: realised,
   * unrealised, fees and funding together) against today's first recorded equity. The journal's
   * realised sum is reported beside it, never judged: it misses open losses and funding, and a
   * close booked without exit fills would be money that never moved.
   */
  killSwitch(equity: number): KillSwitchView {
    const { dailyPnl } = this.ctx.store;
    const start = dailyPnl.recordStartOfDayEquity(equity).startEquity;
    const today = dailyPnl.current();
    const check = checkDailyLoss({
      startOfDayEquity: start,
      currentEquity: equity,
      dailyLossLimit: this.ctx.o.limits.dailyLossLimit,
    });
    // Once tripped it stays tripped for the UTC day: equity that recovers (open positions turning
    // green) must not re-open trading after the day's limit was reached. Invalid input blocks the
    // call (fail closed) without latching.
    if (check.tripped && Number.isFinite(check.lossToday) && this.latch?.day !== today.day) {
      this.latch = { day: today.day, reason: check.reason ?? 'daily loss limit reached' };
    }
    const latched = this.latchFor(today.day);
    return {
      active: check.tripped || latched !== null,
      reason: check.reason ?? (latched !== null ? `${latched} (latched for the day)` : null),
      lossToday: check.lossToday,
      limitAmount: check.limitAmount,
      startOfDayEquity: start,
      currentEquity: equity,
      realisedToday: today.realisedPnl,
    };
  }

  /** Today's latched reason: from this run, else from a kill-switch alert the journal holds for today (a restart). */
  private latchFor(day: string): string | null {
    if (this.latch?.day === day) return this.latch.reason;
    if (this.latchChecked === day) return null;
    this.latchChecked = day;
    try {
      const since = Date.parse(`${day}T00:00:00.000Z`);
      const earlier = this.ctx.store.events.alerts({ since, limit: 1000 }).find((a) => a.kind === 'kill-switch');
      if (earlier === undefined) return null;
      this.latch = { day, reason: earlier.message };
      return earlier.message;
    } catch {
      return null; // an unreadable journal: the equity check alone decides
    }
  }

  async open(signal: EntryProposal, options: OpenOptions = {}): Promise<OpenResult> {
    const symbol = typeof signal?.symbol === 'string' ? signal.symbol : String(signal?.symbol);
    const problem = this.validate(signal);
    if (problem !== undefined) return this.reject(symbol, 'validation', problem);
    if (this.ctx.entering.has(symbol)) return this.reject(symbol, 'risk', `an entry in ${symbol} is already in flight`);
    this.ctx.entering.add(symbol);
    try {
      return await this.openChecked(signal, options);
    } catch (e) {
      this.ctx.journal.noteFailure(e, 'entry');
      this.ctx.log.error('entry failed unexpectedly', { symbol, error: errorMessage(e) });
      return this.reject(symbol, 'unknown', `entry failed: ${errorMessage(e)}`);
    } finally {
      this.ctx.entering.delete(symbol);
    }
  }

  private validate(s: EntryProposal): string | undefined {
    if (typeof s !== 'object' || s === null) return 'signal must be an object';
    if (typeof s.symbol !== 'string' || s.symbol.length === 0)
      return `signal.symbol must be a non-empty string, got ${String(s.symbol)}`;
    if (s.side !== 'long' && s.side !== 'short') return `signal.side must be long or short, got ${String(s.side)}`;
    if (!isPos(s.price)) return `signal.price must be a positive finite number, got ${String(s.price)}`;
    if (s.stopPrice !== undefined && !isPos(s.stopPrice))
      return `signal.stopPrice must be a positive finite number, got ${String(s.stopPrice)}`;
    if (s.stopPrice === undefined && !isPos(s.atr)) return 'signal needs a stopPrice or a positive atr';
    return undefined;
  }

  private async openChecked(signal: EntryProposal, options: OpenOptions): Promise<OpenResult> {
    const { store, exchange, o } = this.ctx;
    const symbol = signal.symbol;
    const side = signal.side as PositionSide;
    // No entry without a journal that can record it; exits and stops go on regardless.
    if (this.ctx.journal.unwritable) return this.reject(symbol, 'risk', `entries stopped: ${this.ctx.journal.reason}`);

    // Equity first: the kill switch needs it.
    let equity: number;
    let available: number;
    try {
      const account = (await exchange.accountOverview()).data;
      equity = account.accountEquity;
      available = account.availableBalance;
    } catch (e) {
      return this.reject(symbol, 'exchange', `account overview failed: ${errorMessage(e)}`);
    }
    const kill = this.killSwitch(equity);
    if (kill.active) {
      const day = store.dailyPnl.today();
      if (this.killSwitchDay !== day) {
        this.killSwitchDay = day;
        this.ctx.emit({
          type: 'kill-switch',
          symbol,
          reason: kill.reason ?? 'daily loss limit',
          lossToday: kill.lossToday,
          limitAmount: kill.limitAmount,
        });
        store.events.recordAlert({
          kind: 'kill-switch',
          subject: 'executor',
          message: kill.reason ?? 'daily loss limit reached',
        });
      }
    }
    const open = store.positions.active().map((p) => p.symbol);
    const others = this.inFlight.filter((s) => s !== symbol);
    const gate = canOpenPosition({
      openPositions: [...open, ...others],
      symbol,
      maxOpenPositions: o.limits.maxOpenPositions,
      killSwitchActive: kill.active,
    });
    if (!gate.ok) return this.reject(symbol, 'risk', gate.reason);
    // A symbol with a position that is not ours, or contested by another bot, is closed to entries.
    const block = this.ctx.scope.entryBlock(symbol);
    if (block !== undefined) return this.reject(symbol, 'risk', block);
    // Several processes on one account: only the holder of the symbol's lease may open a position.
    if (!(await o.ownership.claimForEntry(symbol))) {
      return this.reject(
        symbol,
        'ownership',
        `${symbol} is owned by another process on this account (or Redis cannot confirm ours)`,
      );
    }

    const contract = await this.ctx.contracts.get(symbol);
    if (contract === undefined) return this.reject(symbol, 'validation', `${symbol} is not an active contract`);
    const spec = toContractSpec(contract);

    let reference: number;
    try {
      reference = (await exchange.ticker(symbol)).data.price;
    } catch (e) {
      return this.reject(symbol, 'exchange', `ticker failed: ${errorMessage(e)}`);
    }

    // Last look before sending: one-way mode merges an entry into whatever the account already holds
    // on the symbol, and a position we do not hold is not ours (a person's or another bot's).
    try {
      const { data } = await exchange.position(symbol);
      if (data.currentQty !== 0 && store.positions.activeForSymbol(symbol) === undefined) {
        const held = {
          symbol,
          side: (data.currentQty > 0 ? 'long' : 'short') as PositionSide,
          size: Math.abs(data.currentQty),
          entryPrice: data.avgEntryPrice,
          owner: 'person' as const,
        };
        this.ctx.scope.addForeignPosition(held);
        return this.reject(
          symbol,
          'risk',
          `${symbol} already holds a ${held.side} ${held.size} that is not the bot's; one-way mode would merge an entry into it`,
        );
      }
    } catch (e) {
      return this.reject(symbol, 'exchange', `position check failed: ${errorMessage(e)}`);
    }

    // The stop: the signal's (ATR-based) stop, else atrStopMultiple x ATR; rounded away from the entry.
    const atrDistance = (): number =>
      o.atrStopMultiple * defined(signal.atr, 'atr of a signal without a stopPrice (checked on arrival)');
    const rawStop = signal.stopPrice ?? (side === 'long' ? signal.price - atrDistance() : signal.price + atrDistance());
    if (!isPos(rawStop)) return this.reject(symbol, 'validation', `stop price ${rawStop} is not positive`);
    const stopPrice = roundToTick(rawStop, contract.tickSize, side === 'long' ? 'down' : 'up');
    if (side === 'long' ? stopPrice >= reference : stopPrice <= reference) {
      return this.reject(
        symbol,
        'validation',
        `stop ${stopPrice} is on the wrong side of the price ${reference} for a ${side}`,
      );
    }
    // A target the price has already passed would close the position at once, paying two fees for
    // nothing: the move the signal saw is over.
    const tp = signal.takeProfitPrice;
    if (isPos(tp) && (side === 'long' ? tp <= reference : tp >= reference)) {
      return this.reject(
        symbol,
        'validation',
        `take-profit ${tp} is already reached at the price ${reference} for a ${side}`,
      );
    }

    const leverage = this.ctx.leverageFor(contract);
    let size: number;
    if (options.size !== undefined) {
      size = options.size;
    } else {
      // Capped by the margin still available, not only by equity: the margin of the positions
      // already open is not there to back this one (the exchange refuses with 300003 otherwise).
      const sized = positionSize({
        equity,
        riskPerTrade: o.limits.riskPerTrade,
        entryPrice: reference,
        stopPrice,
        contract: spec,
        leverage,
        maxNotional: o.limits.maxNotional,
        availableMargin: available,
        takerFeeRate: contract.takerFeeRate,
      });
      if (!(sized.lots > 0)) return this.reject(symbol, 'risk', `size is zero: ${sized.reason ?? 'no reason given'}`);
      size = sized.lots;
    }

    const limits = { maxNotional: o.limits.maxNotional, maxLeverage: o.limits.leverage };
    const entryCheck = guardOrder(
      { side: entrySide(side), type: 'market', size, referencePrice: reference, leverage },
      spec,
      limits,
    );
    if (!entryCheck.ok) return this.reject(symbol, 'guard', `order guard: ${entryCheck.reason}`);
    const stopCheck = guardOrder(
      { side: exitSide(side), type: 'market', size, stopPrice, reduceOnly: true, leverage },
      spec,
      limits,
    );
    if (!stopCheck.ok) return this.reject(symbol, 'guard', `order guard (stop): ${stopCheck.reason}`);

    // Journal BEFORE sending: from here on a crash leaves a record that reconciliation resolves.
    const clientOid = o.clientOid('entry');
    try {
      this.ctx.journal.mustWrite('entry intent', () =>
        store.intents.recordIntent({ clientOid, symbol, side: entrySide(side), kind: 'entry', size, leverage }),
      );
    } catch (e) {
      // An earlier entry on the symbol has no known outcome yet: it may have filled.
      if (isIntentInFlightError(e)) return this.reject(symbol, 'risk', e.message);
      throw e;
    }
    // What the strategy wants for this entry, kept until its outcome is known: if reconciliation
    // ends up recording the fill, it protects it with this stop, not the fallback.
    this.ctx.intendedStops.set(clientOid, { stopPrice, takeProfitPrice: isPos(tp) ? tp : null });
    const intentAt = this.ctx.now();
    const sent = await this.ctx.sender.send(clientOid, () =>
      exchange.placeOrder({ clientOid, symbol, side: entrySide(side), type: 'market', size, leverage }),
    );
    if (sent.kind === 'rejected' || sent.kind === 'no-position') {
      this.ctx.intendedStops.delete(clientOid);
      return this.reject(symbol, 'exchange', sent.reason, clientOid);
    }
    if (sent.kind === 'accepted') o.timing(TIMINGS.orderAck, this.ctx.now() - intentAt);
    let conf =
      sent.kind === 'accepted'
        ? await confirmOrder(this.ctx.confirmDeps, clientOid)
        : ({ kind: 'unknown', reason: sent.reason } as const);
    if (conf.kind === 'unknown') {
      // Unknown is not rejected: keep asking the exchange about this clientOid, with backoff.
      this.ctx.log.warn('entry outcome unknown; resolving it by clientOid', { symbol, clientOid, reason: conf.reason });
      conf = await resolveByClientOid(this.ctx.confirmDeps, clientOid, conf.reason);
    }
    if (conf.kind === 'filled' || conf.kind === 'partial') o.timing(TIMINGS.orderFill, this.ctx.now() - intentAt);
    if (conf.kind === 'unknown') {
      this.alert(symbol, `entry ${clientOid} outcome unknown (${conf.reason}); reconcile will resolve it`);
      return this.reject(symbol, 'unknown', conf.reason, clientOid);
    }
    this.ctx.intendedStops.delete(clientOid);
    if (conf.kind === 'unfilled')
      return this.reject(
        symbol,
        'exchange',
        `entry ${clientOid} was not filled (status ${conf.order.status})`,
        clientOid,
      );

    const filled = conf.summary;
    const takeProfitPrice = isPos(signal.takeProfitPrice) ? signal.takeProfitPrice : null;
    const openedAt = this.ctx.now();
    // What the journal row and a provisional position (journal down) both start from.
    const opening = {
      symbol,
      side,
      size: filled.size,
      entryPrice: filled.avgPrice,
      stopPrice,
      takeProfitPrice,
      leverage,
      openedAt,
    };
    const record = (): Position => {
      try {
        const recorded = store.transaction(() => {
          conf.journal();
          const p = store.positions.open(opening);
          store.intents.attachPosition(clientOid, p.id);
          store.fills.recordFills(conf.fills.map((f) => toFillInput(f, clientOid)));
          return p;
        });
        // Replayed: the journal's row takes over from the provisional one.
        const provisional = this.ctx.provisional.get(symbol)?.position;
        if (provisional !== undefined) this.ctx.recordedProvisional.set(provisional.id, recorded.id);
        this.ctx.provisional.delete(symbol);
        return recorded;
      } catch (e) {
        // Refused for good on replay: reconciliation adopts whatever the exchange holds.
        if (journalFailureCode(e) === null) this.ctx.provisional.delete(symbol);
        throw e;
      }
    };
    const position = this.ctx.journal.write('opened position', record, (): Position => {
      // The journal failed as the entry filled: protect and guard the position now; it is recorded
      // (its live stop adopted by reconciliation) once the journal takes writes again.
      const p: Position = {
        ...opening,
        id: this.ctx.provisionalId(),
        highWaterMark: filled.avgPrice,
        lowWaterMark: filled.avgPrice,
        stopOrderId: null,
        stopClientOid: null,
        status: 'open',
        adopted: false,
        updatedAt: openedAt,
        closedAt: null,
      };
      this.ctx.provisional.set(symbol, { position: p, entryFees: filled.fees });
      return p;
    });
    // Known as ours from now on, even if the journal cannot be read when its first exit is asked for.
    if (position.id > 0) this.ctx.lastKnownOwn.set(symbol, position);
    this.ctx.log.info('position opened', { symbol, side, size: filled.size, entryPrice: filled.avgPrice, clientOid });

    const stop = await this.stops.place(position, stopPrice);
    if (!stop.ok) {
      this.alert(symbol, `could not place the exchange stop (${stop.reason}); closing the position`);
      const closed = await this.exits.close(symbol, 'manual');
      if (!closed.ok) this.alert(symbol, `UNPROTECTED: closing after the failed stop also failed (${closed.reason})`);
      return this.reject(
        symbol,
        stop.stage,
        `position opened but its stop failed and it was closed: ${stop.reason}`,
        clientOid,
      );
    }
    this.ctx.emit({
      type: 'opened',
      symbol,
      side,
      size: filled.size,
      entryPrice: filled.avgPrice,
      stopPrice: stop.stopPrice,
      leverage,
      fees: filled.fees,
    });
    return { ok: true, position: stop.position, stopOrderId: stop.orderId, entryClientOid: clientOid };
  }

  private reject(symbol: string, stage: RejectStage, reason: string, entryClientOid?: string): OpenResult {
    // Risk refusals (symbol held, position limit) recur every scan: not worth an info line each time.
    if (stage === 'risk') this.ctx.log.debug('entry rejected', { symbol, stage, reason });
    else this.ctx.log.info('entry rejected', { symbol, stage, reason });
    this.ctx.emit({ type: 'rejected', symbol, stage, reason });
    return entryClientOid === undefined ? { ok: false, stage, reason } : { ok: false, stage, reason, entryClientOid };
  }

  private alert(symbol: string, reason: string): void {
    this.ctx.log.error(reason, { symbol });
    this.ctx.emit({ type: 'alert', symbol, reason });
    try {
      this.ctx.store.events.recordAlert({ kind: 'executor', subject: symbol, message: reason });
    } catch {
      // The alert still went out as an event.
    }
  }
}
