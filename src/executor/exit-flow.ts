// Closing a position exactly once. Concurrent requests for one position share one promise
// (single-flight), and stop moves for the same symbol queue behind it (serial), so an exit and a
// stop move never interleave. A request for a position already closed returns the recorded trade.
// The exit is a reduce-only market order (critical priority: it bypasses an open breaker and may
// use the limiter's reserve); a take-profit with a target is a reduce-only IOC limit at the target
// (take-profit-limit.ts), so a late one never fills at a loss. If the exchange says there is nothing to close (300009), or the
// position is already flat, the exchange stop (or a liquidation) got there first: the trade is
// recorded from the exchange's fills instead.
import type { Fill as ExchangeFill } from '../exchange/schemas/index.js';
import { isIntentInFlightError, type ClosedTrade, type CloseReason, type Position } from '../store/index.js';
import { exitSide, type ExecutorContext } from './executor-context.js';
import { confirmOrder, fillsOfOrder } from './order-confirmation.js';
import { errorMessage } from './order-sender.js';
import { type KeyedSerial, SingleFlight } from './single-flight.js';
import type { StopManager } from './stop-manager.js';
import { pricedFromExchange, summarizeFills, toFillInput, type PricedFill } from './fill-summary.js';
import { takeProfitLimit } from './take-profit-limit.js';
import { deriveClientOid } from './client-oid.js';
import { tradePnl } from './trade-pnl.js';

export type CloseResult =
  | { readonly ok: true; readonly trade: ClosedTrade; readonly alreadyClosed: boolean }
  | { readonly ok: false; readonly reason: string; readonly unsettled?: boolean };

export class ExitFlow {
  private readonly flights = new SingleFlight<number, CloseResult>();
  /** Closes sized from the exchange while the journal cannot be read, by symbol (no position id to key them by). */
  private readonly unreadableFlights = new SingleFlight<string, CloseResult>();
  /**
   * Per position: exit orders the venue finished with nothing filled while the journal could not record
   * their intent. The journal's count of exit intents cannot see them, and the next exit must not reuse
   * their clientOid (the venue would answer with the old, cancelled order).
   */
  private readonly doneUnjournaled = new Map<number, number>();

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly stops: StopManager,
    /** Shared with stop moves: one operation per symbol at a time. */
    readonly serial: KeyedSerial<string>,
  ) {}

  close(symbol: string, reason: CloseReason, requestedId?: number): Promise<CloseResult> {
    // Decided for a provisional position the journal has recorded since: the same position.
    const positionId =
      requestedId !== undefined && requestedId < 0
        ? (this.ctx.recordedProvisional.get(requestedId) ?? requestedId)
        : requestedId;
    let position: Position | undefined;
    try {
      position = this.ctx.overlay(this.ctx.store.positions.activeForSymbol(symbol));
    } catch (e) {
      // The journal cannot even be read (a corrupt page): the exit still goes out, sized from the exchange.
      if (!this.ctx.journal.noteFailure(e, 'read position')) throw e;
      return this.unreadableFlights.run(symbol, () =>
        this.serial.serial(symbol, () => this.closeFromExchange(symbol, reason, positionId)),
      );
    }
    if (position === undefined || this.ctx.unsettled.has(position.id)) this.ctx.lastKnownOwn.delete(symbol);
    else this.ctx.lastKnownOwn.set(symbol, position);
    // Opened while the journal could not record it (a negative id): closed all the same.
    position ??= this.ctx.provisional.get(symbol)?.position;
    if (positionId !== undefined && position?.id !== positionId) {
      // The request was decided for a position that is no longer the active one: its close, if
      // booked, is the answer; a newer position on the symbol is not what was asked to close.
      if (!Number.isSafeInteger(positionId) || positionId === 0)
        return Promise.resolve({
          ok: false,
          reason: `positionId must be a non-zero integer, got ${String(positionId)}`,
        });
      if (positionId < 0)
        return Promise.resolve({ ok: false, reason: `position ${positionId} is not open in ${symbol}` });
      const trade = this.ctx.store.trades.forPosition(positionId);
      return Promise.resolve(
        trade
          ? { ok: true, trade, alreadyClosed: true }
          : { ok: false, reason: `position ${positionId} is not open in ${symbol}` },
      );
    }
    const awaiting = position === undefined ? undefined : this.ctx.closesAwaitingJournal.get(position.id);
    if (awaiting !== undefined) return Promise.resolve({ ok: true, trade: awaiting, alreadyClosed: true });
    if (position === undefined) {
      const trade = this.ctx.latestTrade(symbol);
      return Promise.resolve(
        trade ? { ok: true, trade, alreadyClosed: true } : { ok: false, reason: `no position in ${symbol}` },
      );
    }
    return this.flights.run(position.id, () => this.serial.serial(symbol, () => this.closeOnce(position.id, reason)));
  }

  /** For callers already inside the symbol's serial queue (reconciliation): single-flight only. */
  closeNow(positionId: number, reason: CloseReason): Promise<CloseResult> {
    return this.flights.run(positionId, () => this.closeOnce(positionId, reason));
  }

  private async closeOnce(positionId: number, reason: CloseReason): Promise<CloseResult> {
    const { store, exchange } = this.ctx;
    const position =
      positionId < 0
        ? [...this.ctx.provisional.values()].find((p) => p.position.id === positionId)?.position
        : this.ctx.overlay(store.positions.get(positionId));
    if (position === undefined) return { ok: false, reason: `position ${positionId} not found` };
    if (position.status === 'closed') {
      const trade = store.trades.forPosition(positionId);
      return trade
        ? { ok: true, trade, alreadyClosed: true }
        : { ok: false, reason: `position ${positionId} is closed without a trade` };
    }
    // Exits never wait for a lease, but a process whose fencing token is stale leaves the symbol
    // to the process that took it over.
    if (!this.ctx.o.ownership.mayTrade(position.symbol)) {
      return { ok: false, reason: `${position.symbol} was taken over by another process on this account` };
    }
    if (positionId > 0)
      this.ctx.journal.write(
        'mark closing',
        () => store.positions.markClosing(positionId),
        () => false,
      );

    // How much is really there? A failed query is no reason not to try: the exit is reduce-only.
    let held = position.size;
    try {
      const { data } = await exchange.position(position.symbol);
      // Never more than ours: a larger position holds someone else's lots merged into it (one-way mode).
      held = Math.min(Math.abs(data.currentQty), position.size);
    } catch (e) {
      this.ctx.log.warn('position query before exit failed; sending the exit anyway', {
        symbol: position.symbol,
        reason: errorMessage(e),
      });
    }
    if (held === 0) return this.recordFromExchange(position);
    if (this.ctx.unsettled.has(position.id)) {
      // It went flat without exit fills; what the exchange holds now is not known to be ours (a
      // person's or another bot's position): reconciliation decides, an exit here could sell theirs.
      this.reopen(positionId);
      return this.fail(
        position.symbol,
        `${position.symbol} is unsettled and held again on the exchange by a position not known to be ours: no exit sent`,
      );
    }

    const contract = await this.ctx.contracts
      .get(position.symbol)
      .catch(() => this.ctx.contracts.peek(position.symbol));
    const side = exitSide(position.side);
    const leverage = this.ctx.positionLeverage(position, contract);
    const limit = reason === 'take-profit' ? takeProfitLimit(position, contract?.tickSize) : null;
    const clientOid = this.exitClientOid(position, held);
    try {
      this.ctx.intents.recordIntent({
        clientOid,
        symbol: position.symbol,
        side,
        kind: 'exit',
        size: held,
        reduceOnly: true,
        leverage,
        positionId: positionId > 0 ? positionId : null,
      });
    } catch (e) {
      // An earlier exit of this position has no known outcome yet (the store allows one in flight):
      // it may have gone through, so no second one; reconciliation resolves the first.
      if (isIntentInFlightError(e)) return this.fail(position.symbol, e.message);
      throw e;
    }
    const sent = await this.ctx.sender.send(clientOid, () =>
      exchange.placeOrder({
        clientOid,
        symbol: position.symbol,
        side,
        size: held,
        leverage,
        reduceOnly: true,
        ...(limit === null
          ? { type: 'market' as const }
          : { type: 'limit' as const, price: limit, timeInForce: 'IOC' as const }),
      }),
    );
    switch (sent.kind) {
      case 'no-position':
        return this.recordFromExchange(position);
      case 'rejected':
        this.reopen(positionId);
        return this.fail(position.symbol, `exit refused: ${sent.reason}`);
      case 'unknown':
        // Left 'closing': reconciliation resolves the exit by its clientOid.
        return this.fail(
          position.symbol,
          `exit ${clientOid} outcome unknown (${sent.reason}); reconcile will resolve it`,
        );
      case 'accepted':
        break;
      default: {
        const never: never = sent;
        return never;
      }
    }

    const conf = await confirmOrder(this.ctx.confirmDeps, clientOid);
    if (conf.kind === 'unknown')
      return this.fail(position.symbol, `exit ${clientOid} unconfirmed (${conf.reason}); reconcile will resolve it`);
    if (conf.kind === 'unfilled') {
      if (this.ctx.awaitingJournal.clientOids.has(clientOid))
        this.doneUnjournaled.set(position.id, (this.doneUnjournaled.get(position.id) ?? 0) + 1);
      // The target is no longer on the book (a flat position would have been refused with 300009).
      if (limit !== null) return this.targetMissed(position, limit, 'nothing filled');
      // Nothing filled: maybe the stop closed it a moment earlier. Look once more.
      return this.recordFromExchange(position, true);
    }
    if (conf.kind === 'partial') {
      this.ctx.journal.write(
        'partial exit',
        () => {
          store.transaction(() => {
            conf.journal();
            store.fills.recordFills(conf.fills.map((f) => toFillInput(f, clientOid)));
            // A provisional position is the journal's row once its deferred entry was written (before
            // this write, on replay): the exit is attached to it, so its close finds these fills.
            const id = positionId < 0 ? this.ctx.recordedProvisional.get(positionId) : positionId;
            if (id === undefined) return;
            if (positionId < 0) store.intents.attachPosition(clientOid, id);
            store.positions.update(id, { size: Math.max(held - conf.summary.size, 0) || position.size });
            store.positions.cancelClosing(id);
          });
          this.ctx.exitFillsAwaitingJournal.delete(positionId);
        },
        () => {
          // Deferred: a close booked before this is written must still count these fills.
          this.ctx.exitFillsAwaitingJournal.set(positionId, [
            ...(this.ctx.exitFillsAwaitingJournal.get(positionId) ?? []),
            ...conf.fills,
          ]);
        },
      );
      // Booked with the rest when the position closes (record() counts these fills).
      if (limit !== null) return this.targetMissed(position, limit, `${conf.summary.size} of ${held} filled`);
      return this.fail(position.symbol, `exit ${clientOid} only partly filled (${conf.summary.size} of ${held})`);
    }
    await this.cancelStop(position);
    this.doneUnjournaled.delete(position.id);
    return this.record(position, conf.fills, reason, clientOid, conf.journal);
  }

  /**
   * The position is flat on the exchange although we did not close it: its stop fired, or it was
   * liquidated. The trade comes from the stop order's fills, else from the symbol's exit-side fills
   * since the entry.
   */
  async recordFromExchange(position: Position, verifyFlat = false): Promise<CloseResult> {
    const { exchange } = this.ctx;
    if (this.ctx.unsettled.waiting(position.id)) {
      return {
        ok: false,
        reason: `${position.symbol} is unsettled: flat on the exchange, no exit fills found yet`,
        unsettled: true,
      };
    }
    if (verifyFlat) {
      try {
        const { data } = await exchange.position(position.symbol);
        if (data.currentQty !== 0) {
          this.ctx.unsettled.settle(position.id);
          this.reopen(position.id);
          return this.fail(position.symbol, 'exit order filled nothing and the position is still open');
        }
      } catch (e) {
        this.reopen(position.id);
        return this.fail(position.symbol, `exit order filled nothing; position check failed (${errorMessage(e)})`);
      }
    }
    let fills: ExchangeFill[] = [];
    let closeReason: CloseReason = 'reconcile';
    try {
      if (position.stopOrderId !== null) fills = await fillsOfOrder(exchange, position.stopOrderId);
      if (fills.length > 0) closeReason = 'exchange-stop';
      else {
        fills = await this.exitFillsSinceEntry(position);
        if (fills.some(isLiquidation)) closeReason = 'liquidation';
      }
    } catch (e) {
      return this.fail(
        position.symbol,
        `position is flat on the exchange but its fills could not be read (${errorMessage(e)})`,
      );
    }
    if (position.stopOrderId !== null && closeReason !== 'exchange-stop') await this.cancelStop(position);
    return this.record(position, fills, closeReason, null, () => {
      if (position.stopOrderId !== null && closeReason === 'exchange-stop') {
        this.stops.markIntent(position.stopClientOid, position.stopOrderId, 'filled', 'the exchange stop fired');
      }
    });
  }

  private async exitFillsSinceEntry(position: Position): Promise<ExchangeFill[]> {
    const entry = this.entryFills(position);
    const since = entry.length > 0 ? Math.min(...entry.map((f) => f.time)) : position.openedAt;
    const entryOrders = new Set(entry.map((f) => f.orderId));
    const side = exitSide(position.side);
    const found: ExchangeFill[] = [];
    // A take-profit that filled only partly shrank the position; its fills are among these.
    const before = this.earlierExitFills(position, []).reduce((s, f) => s + f.size, 0);
    for (let page = 1; page <= 20; page++) {
      const { data } = await this.ctx.exchange.fills({ symbol: position.symbol, currentPage: page, pageSize: 200 });
      found.push(
        ...data.items.filter(
          (f) => f.symbol === position.symbol && f.side === side && f.createdAt >= since && !entryOrders.has(f.orderId),
        ),
      );
      if (page >= data.totalPage || data.items.length === 0) break;
    }
    // Our own orders' fills (and the venue's liquidation) only: a person's or another bot's trade
    // on the symbol is not this position's exit.
    const own = new Set(
      await this.ctx.ownFills(
        found.filter((f) => !isLiquidation(f)),
        position.symbol,
      ),
    );
    const ours = found.filter((f) => isLiquidation(f) || own.has(f));
    // Oldest first, and no more than the position held.
    ours.sort((a, b) => a.createdAt - b.createdAt);
    const out: ExchangeFill[] = [];
    let left = position.size + before;
    for (const f of ours) {
      if (left <= 1e-12) break;
      out.push(f);
      left -= f.size;
    }
    return out;
  }

  /**
   * Fees of the fills that opened an adopted `position`: the bot's own entry-side fills of the
   * symbol up to its first exit fill, newest first, as many as the round trip closed.
   */
  private async adoptedEntryFees(
    position: Position,
    exit: { readonly size: number; readonly firstTime: number },
  ): Promise<number> {
    const side = position.side === 'long' ? 'buy' : 'sell';
    const found: ExchangeFill[] = [];
    for (let page = 1; page <= 20; page++) {
      const { data } = await this.ctx.exchange.fills({ symbol: position.symbol, currentPage: page, pageSize: 200 });
      found.push(
        ...data.items.filter(
          (f) => f.symbol === position.symbol && f.side === side && f.createdAt <= exit.firstTime && !isLiquidation(f),
        ),
      );
      if (page >= data.totalPage || data.items.length === 0) break;
    }
    const own = await this.ctx.ownFills(found, position.symbol);
    own.sort((a, b) => b.createdAt - a.createdAt);
    let fees = 0;
    let left = exit.size;
    for (const f of own) {
      if (left <= 1e-12) break;
      fees += f.fee;
      left -= f.size;
    }
    return fees;
  }

  /** Fills of the order that opened `position` (stored when it was opened). */
  private entryFills(position: Position) {
    const entry = this.ctx.store.intents.forPosition(position.id).find((i) => i.kind === 'entry');
    if (entry === undefined || entry.orderId === null) return [];
    return this.ctx.store.fills.forOrder(entry.orderId);
  }

  private async cancelStop(position: Position): Promise<void> {
    if (position.stopOrderId === null) return;
    const outcome = await this.stops.cancel(position.stopOrderId, position.stopClientOid, 'position closed');
    if (outcome === 'failed')
      this.ctx.log.warn('could not cancel the stop of a closed position; reconcile will', { symbol: position.symbol });
  }

  /** Writes the trade, its fills and the intents' outcomes in one transaction. */
  async record(
    position: Position,
    exitFills: readonly ExchangeFill[],
    reason: CloseReason,
    exitClientOid: string | null,
    journal: () => void,
  ): Promise<CloseResult> {
    const { store } = this.ctx;
    const contract = await this.ctx.contracts
      .get(position.symbol)
      .catch(() => this.ctx.contracts.peek(position.symbol));
    if (contract === undefined)
      return this.fail(position.symbol, `no contract facts for ${position.symbol}; cannot compute PnL`);
    let entryFees: number;
    let entryUnknown = false;
    let earlier: PricedFill[];
    try {
      const entry = position.id < 0 ? [] : this.entryFills(position);
      entryFees =
        position.id < 0
          ? (this.ctx.provisional.get(position.symbol)?.entryFees ?? 0)
          : entry.reduce((s, f) => s + f.fee, 0);
      entryUnknown = position.id > 0 && position.adopted && entry.length === 0;
      earlier = this.earlierExitFills(position, exitFills);
    } catch (e) {
      // A corrupt page: the exit is done on the exchange, but its PnL cannot be computed right now.
      if (!this.ctx.journal.noteFailure(e, 'read entry fills')) throw e;
      return this.fail(
        position.symbol,
        `closed on the exchange, but the journal cannot be read (${errorMessage(e)}): the trade is recorded once it can`,
      );
    }
    const exit = summarizeFills([...exitFills.map(pricedFromExchange), ...earlier]);
    if (!(exit.size > 0)) return this.unsettled(position);
    if (entryUnknown) {
      // Adopted, and the order that opened it is not (yet) known to the journal: its fees were paid
      // all the same (the venue's realised PnL counts them), so they are read from the exchange.
      try {
        entryFees = await this.adoptedEntryFees(position, exit);
      } catch (e) {
        return this.fail(
          position.symbol,
          `closed on the exchange, but the entry fees of the adopted position could not be read (${errorMessage(e)}): reconcile records the trade`,
        );
      }
    }
    this.ctx.unsettled.settle(position.id);
    const exitPrice = exit.avgPrice;
    const size = exit.size;
    const pnl = tradePnl({
      side: position.side,
      entryPrice: position.entryPrice,
      exitPrice,
      size,
      multiplier: contract.multiplier,
      entryFees,
      exitFees: exit.fees,
    });
    // closedAt from the executor's clock, not the exchange's: the trade must count towards the day
    // the kill switch is looking at. Taken now, so a trade recorded later (journal unwritable) keeps it.
    const closedAt = this.ctx.now();
    const fills = exitFills.map((f) => toFillInput(f, exitClientOid ?? this.clientOidOf(f.orderId)));
    const write = () => {
      const recorded = store.transaction(() => {
        journal();
        store.fills.recordFills(fills);
        // After a partial take-profit the row holds what was left (read now: a deferred partial exit
        // may have shrunk it since `position` was read); the trade is the whole round trip.
        const row = store.positions.get(position.id);
        if (row !== undefined && size > row.size && store.trades.forPosition(position.id) === undefined)
          store.positions.update(position.id, { size });
        return store.trades.recordClose({
          positionId: position.id,
          exitPrice,
          realisedPnl: pnl.net,
          fees: pnl.fees,
          reason,
          size,
          closedAt,
        });
      });
      this.ctx.closesAwaitingJournal.delete(position.id);
      this.ctx.exitFillsAwaitingJournal.delete(position.id);
      for (const [provisional, id] of this.ctx.recordedProvisional)
        if (id === position.id) this.ctx.exitFillsAwaitingJournal.delete(provisional);
      return recorded;
    };
    // The trade as it will be recorded, for callers while the journal cannot record it yet.
    const unrecorded = (): ClosedTrade => ({
      id: 0,
      positionId: position.id,
      symbol: position.symbol,
      side: position.side,
      size,
      entryPrice: position.entryPrice,
      exitPrice,
      realisedPnl: pnl.net,
      fees: pnl.fees,
      funding: 0,
      closeReason: reason,
      openedAt: position.openedAt,
      closedAt,
      utcDay: new Date(closedAt).toISOString().slice(0, 10),
    });
    const deferred = () => {
      // Closed on the exchange, recorded when the journal takes writes again.
      const trade = unrecorded();
      this.ctx.closesAwaitingJournal.set(position.id, trade);
      return { trade, created: true, position: { ...position, status: 'closed' as const, closedAt } };
    };
    if (position.id < 0) {
      // A provisional position: the journal has no row for it yet. Its trade is booked by
      // reconciliation from the exchange's fills once the journal records the position; it is
      // reported now, once (the booking later does not report it again).
      this.ctx.provisional.delete(position.symbol);
      this.ctx.closesReported.add(`${position.symbol}|${position.openedAt}`);
      const t = unrecorded();
      this.ctx.log.info('position closed; the trade is booked once the journal records the position', {
        symbol: t.symbol,
        pnl: t.realisedPnl,
        fees: t.fees,
        reason,
      });
      this.emitClosed(t);
      return { ok: true, trade: t, alreadyClosed: false };
    }
    const result = this.ctx.journal.write('closed trade', write, deferred);
    if (!result.created) {
      // A second booking of one close (the store keeps one trade per position): not written.
      this.ctx.log.warn('close already booked; this booking was not written', {
        symbol: position.symbol,
        positionId: position.id,
        trade: result.trade.id,
        reason,
      });
    }
    if (this.ctx.lastKnownOwn.get(position.symbol)?.id === position.id) this.ctx.lastKnownOwn.delete(position.symbol);
    if (result.created && this.ctx.closesReported.delete(`${position.symbol}|${position.openedAt}`)) {
      this.ctx.log.info('position booked (its close was reported while the journal was unwritable)', {
        symbol: position.symbol,
        pnl: result.trade.realisedPnl,
      });
    } else if (result.created) {
      const t = result.trade;
      this.ctx.log.info('position closed', { symbol: t.symbol, pnl: t.realisedPnl, fees: t.fees, reason });
      this.emitClosed(t);
    }
    return { ok: true, trade: result.trade, alreadyClosed: !result.created };
  }

  /** closing -> open again (the exit did not happen); deferred like any write if the journal is down. */
  private reopen(positionId: number): void {
    if (positionId < 0) return;
    this.ctx.journal.write(
      'reopen position',
      () => this.ctx.store.positions.cancelClosing(positionId),
      () => false,
    );
  }

  /**
   * The exit's clientOid, derived from the position and the exit (size, and how many exits it had
   * before): a retry of the same exit, even one the journal could not record, is the same order; an
   * exit after one the venue finished unfilled is a new one.
   */
  private exitClientOid(position: Position, held: number): string {
    let before = this.doneUnjournaled.get(position.id) ?? 0;
    try {
      if (position.id > 0)
        before += this.ctx.store.intents.forPosition(position.id).filter((i) => i.kind === 'exit').length;
    } catch (e) {
      if (!this.ctx.journal.noteFailure(e, 'read exit intents')) throw e;
    }
    return deriveClientOid(
      this.ctx.o.clientOid,
      this.ctx.o.botId,
      'exit',
      `exit|${position.symbol}|${position.id}|${position.openedAt}|${held}|${before}`,
    );
  }

  /**
   * The journal cannot be read: close what the exchange holds in `symbol` with a reduce-only market
   * order whose clientOid derives from the exchange's position, so a retry is the same order. The
   * trade is recorded by reconciliation from the exchange's fills once the journal works again.
   */
  private async closeFromExchange(
    symbol: string,
    reason: CloseReason,
    positionId: number | undefined,
  ): Promise<CloseResult> {
    const { exchange } = this.ctx;
    // Only what the bot knows is its own: the exchange's position may hold a person's or another
    // bot's lots (merged in one-way mode), or be entirely theirs.
    if (!this.ctx.o.ownership.mayTrade(symbol))
      return this.fail(
        symbol,
        `journal unreadable and ${symbol} was taken over by another process on this account: no exit sent`,
      );
    const known = this.ctx.provisional.get(symbol)?.position ?? this.ctx.lastKnownOwn.get(symbol);
    if (known === undefined)
      return this.fail(symbol, `journal unreadable and no position of the bot's is known in ${symbol}: no exit sent`);
    if (positionId !== undefined && positionId !== known.id)
      return this.fail(
        symbol,
        `journal unreadable and position ${positionId} is not the bot's last known position in ${symbol}: no exit sent`,
      );
    const foreign = this.ctx.scope.foreignPosition(symbol);
    if (foreign !== undefined)
      return this.fail(
        symbol,
        `journal unreadable and ${symbol} holds a position that is not the bot's (${foreign.owner}): no exit sent`,
      );
    let held: number;
    let side: 'buy' | 'sell';
    let key: string;
    let leverage: number;
    try {
      const { data } = await exchange.position(symbol);
      if (data.currentQty !== 0 && (data.currentQty > 0 ? 'long' : 'short') !== known.side) {
        return this.fail(
          symbol,
          `journal unreadable and the exchange holds a ${data.currentQty > 0 ? 'long' : 'short'} where the bot's is ${known.side}: no exit sent`,
        );
      }
      // Never more than ours.
      held = Math.min(Math.abs(data.currentQty), known.size);
      side = data.currentQty > 0 ? 'sell' : 'buy';
      key = `exit|${symbol}|${data.openingTimestamp ?? data.avgEntryPrice}|${held}`;
      leverage = data.realLeverage !== null && data.realLeverage >= 1 ? data.realLeverage : 1;
    } catch (e) {
      return this.fail(symbol, `journal unreadable and the position query failed: ${errorMessage(e)}`);
    }
    if (held === 0) return this.fail(symbol, `no position in ${symbol} on the exchange`);
    const clientOid = deriveClientOid(this.ctx.o.clientOid, this.ctx.o.botId, 'exit', key);
    this.ctx.log.warn('journal unreadable: closing from the exchange position', { symbol, clientOid, held, reason });
    try {
      // Journaled like any exit (deferred if the store refuses the write), so the sender's state
      // changes have an intent to apply to and reconciliation resolves it by its clientOid.
      this.ctx.intents.recordIntent({
        clientOid,
        symbol,
        side,
        kind: 'exit',
        size: held,
        reduceOnly: true,
        leverage,
        positionId: null,
      });
    } catch (e) {
      // This very exit (same derived clientOid) is already journaled without a known outcome.
      if (isIntentInFlightError(e))
        return this.fail(
          symbol,
          `exit ${clientOid} (journal unreadable) is already in flight; reconcile will resolve it`,
        );
      throw e;
    }
    const sent = await this.ctx.sender.send(clientOid, () =>
      exchange.placeOrder({ clientOid, symbol, side, type: 'market', size: held, leverage, reduceOnly: true }),
    );
    if (sent.kind !== 'accepted' && sent.kind !== 'no-position')
      return this.fail(symbol, `exit ${clientOid} (journal unreadable): ${sent.reason}`);
    return this.fail(
      symbol,
      `exit ${clientOid} sent without the journal (${reason}); the trade is recorded once the journal can be read`,
    );
  }

  /**
   * Flat on the exchange, but no exit fill says at what price: booking it at the stop would invent
   * money (and feed the kill switch). It stays unsettled, its fills looked up again with backoff.
   */
  private unsettled(position: Position): CloseResult {
    const u = this.ctx.unsettled.noFills(position.id, position.symbol);
    const reason = `${position.symbol} is flat on the exchange but no exit fill explains it: unsettled, no PnL booked (fill lookup ${u.lookups})`;
    if (u.lookups === 1) {
      this.ctx.log.error(reason, { symbol: position.symbol });
      this.ctx.emit({ type: 'alert', symbol: position.symbol, reason });
    } else {
      this.ctx.log.debug(reason, { symbol: position.symbol });
    }
    return { ok: false, reason, unsettled: true };
  }

  /**
   * Exit fills of `position` that are not in `exitFills`: a take-profit that filled only partly (the
   * rest closed later), from the journal, or from memory while its write waits for the journal. The
   * trade is the whole round trip.
   */
  private earlierExitFills(position: Position, exitFills: readonly ExchangeFill[]): PricedFill[] {
    const { store } = this.ctx;
    const key = (f: { readonly tradeId: string; readonly orderId: string }): string => `${f.tradeId}/${f.orderId}`;
    const known = new Set(exitFills.map(key));
    const journaled =
      position.id < 0
        ? []
        : store.intents
            .forPosition(position.id)
            .filter((i) => i.kind === 'exit')
            // By order id too: a fill imported before its intent knew it carries no clientOid.
            .flatMap((i) => [
              ...store.fills.forClientOid(i.clientOid),
              ...(i.orderId === null ? [] : store.fills.forOrder(i.orderId)),
            ])
            .filter((f) => {
              if (known.has(key(f))) return false;
              known.add(key(f));
              return true;
            });
    // Kept under the provisional id if the position was opened while the journal was unwritable.
    const ids = [
      position.id,
      ...[...this.ctx.recordedProvisional].filter(([, id]) => id === position.id).map(([provisional]) => provisional),
    ];
    const awaiting = ids
      .flatMap((id) => this.ctx.exitFillsAwaitingJournal.get(id) ?? [])
      .filter((f) => {
        if (known.has(key(f))) return false;
        known.add(key(f));
        return true;
      })
      .map(pricedFromExchange);
    return [...journaled.map((f) => ({ price: f.price, size: f.size, fee: f.fee, time: f.time })), ...awaiting];
  }

  /** A take-profit whose target is no longer on the book: not a failure, the position stays open under its stop. */
  private targetMissed(position: Position, limit: number, what: string): CloseResult {
    this.reopen(position.id);
    const reason = `take-profit target ${limit} not on the book (${what}); the position stays open under its stop`;
    this.ctx.log.info(reason, { symbol: position.symbol });
    return { ok: false, reason };
  }

  private clientOidOf(orderId: string): string | null {
    return this.ctx.store.intents.byOrderId(orderId)[0]?.clientOid ?? null;
  }

  private fail(symbol: string, reason: string): CloseResult {
    this.ctx.log.error(reason, { symbol });
    this.ctx.emit({ type: 'alert', symbol, reason });
    return { ok: false, reason };
  }

  /** The one `closed` trade event, from the booked (or to-be-booked) trade row. */
  private emitClosed(t: ClosedTrade): void {
    this.ctx.emit({
      type: 'closed',
      symbol: t.symbol,
      side: t.side,
      size: t.size,
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      pnl: t.realisedPnl,
      fees: t.fees,
      reason: t.closeReason,
    });
  }
}

function isLiquidation(f: ExchangeFill): boolean {
  return f.tradeType === 'liquid' || f.tradeType === 'liquidation';
}
