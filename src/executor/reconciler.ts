// Bringing the journal and the exchange into agreement, on start and after an executor restart:
//  1. intents with no known outcome are resolved by clientOid. Found: the journal follows the
//     exchange (a filled entry gets its position recorded). Not found: a 'pending' intent was
//     never sent and a 'sent'/'unknown' one never arrived, so both are marked rejected. Nothing is
//     ever re-sent under a new clientOid.
//  2. positions: a local position the exchange no longer holds (its stop fired, or it was
//     liquidated, while we were down) is closed from the exchange's fills; a position the exchange
//     holds without a local record is adopted, with a stop at `fallbackStopFraction` of its entry
//     price (no signal survives to say better).
//  3. stops: every open position ends with exactly one live exchange stop; duplicates, and stops
//     left on symbols we no longer hold, are cancelled.
//  4. fills since the newest stored fill are imported.
// Only the bot's own orders are ever acted on (order-ownership.ts): a person's or another bot's
// orders and positions are counted and reported, never cancelled, amended, adopted or counted in
// PnL, and their symbols are closed to entries (account-scope.ts).
import type { Order, Position as ExchangePosition } from '../exchange/schemas/index.js';
import { roundToTick } from '../risk/index.js';
import { UNRESOLVED_STATES, isStaleVenueViewError, type OrderIntent, type Position } from '../store/index.js';
import { ANOTHER_BOT_ALERT, type ForeignPosition } from './account-scope.js';
import { botIdOf } from './client-oid.js';
import type { OrderOwner } from './order-ownership.js';
import { entrySide, exitSide, type ExecutorContext } from './executor-context.js';
import type { ExitFlow } from './exit-flow.js';
import { toFillInput } from './fill-summary.js';
import { settle } from './order-confirmation.js';
import { errorMessage, lookupByClientOid, type LookupOutcome } from './order-sender.js';
import { ExponentialBackoff } from '../resilience/exponential-backoff.js';
import type { KeyedSerial } from './single-flight.js';
import type { StopManager } from './stop-manager.js';
import { defined } from '../invariant/invariant-error.js';

export interface ReconcileReport {
  /** Intents whose outcome was learned from the exchange. */
  readonly intentsResolved: number;
  /** Intents the exchange never saw: marked rejected, never re-sent. */
  readonly intentsAbandoned: number;
  /** Intents still without an outcome (the exchange could not be asked, or the order is still working). */
  readonly intentsUnresolved: number;
  /** Intents of entries still in flight in this executor: left to the entry flow. */
  readonly intentsInFlight: number;
  readonly positionsAdopted: readonly string[];
  /** Local positions found flat on the exchange and closed from its fills. */
  readonly positionsClosed: readonly string[];
  readonly stopsPlaced: readonly string[];
  readonly stopsCancelled: number;
  readonly fillsImported: number;
  /** Live orders and stop orders on the account that are not the bot's (never touched). */
  readonly ordersForeign: number;
  /** Symbols of positions that are not the bot's (never adopted, closed, trailed or resized). */
  readonly positionsForeign: readonly string[];
  /** Symbols where this pass saw another bot (its orders, or a position beyond what we filled). */
  readonly contested: readonly string[];
  /** Local positions flat on the exchange without exit fills: unsettled, no trade booked. */
  readonly positionsUnsettled: readonly string[];
  /** Journal positions another process took over (REDIS_URL): retired here without a trade. */
  readonly positionsHandedOver: readonly string[];
  /** Intents whose outcome this pass could not learn, as `<kind> <clientOid> (<symbol>, <state>)`: they keep entries closed. */
  readonly blockingIntents: readonly string[];
  readonly errors: readonly string[];
}

interface MutableReport {
  intentsResolved: number;
  intentsAbandoned: number;
  intentsUnresolved: number;
  intentsInFlight: number;
  positionsAdopted: string[];
  positionsClosed: string[];
  stopsPlaced: string[];
  stopsCancelled: number;
  fillsImported: number;
  ordersForeign: number;
  positionsForeign: string[];
  contested: string[];
  positionsUnsettled: string[];
  positionsHandedOver: string[];
  blockingIntents: string[];
  errors: string[];
}

const STOP_KINDS = new Set(['stop', 'stop-update']);

/** Lookups of an unresolved clientOid per pass before the exchange's "not found" is believed. */
const LOOKUPS = 3;

async function lookupRepeatedly(ctx: ExecutorContext, clientOid: string): Promise<LookupOutcome> {
  const backoff = new ExponentialBackoff({
    baseDelay: 100,
    maxDelay: 1_000,
    maxRetries: LOOKUPS - 1,
    factor: 2,
    jitter: 0.1,
    clock: ctx.o.clock,
  });
  let found: LookupOutcome;
  do {
    found = await lookupByClientOid(ctx.exchange, clientOid);
    if (found.kind === 'found') return found;
  } while (await backoff.sleep());
  return found;
}

export class Reconciler {
  /** Who opened a position the journal does not know, by symbol (asked once while it is held on that side). */
  private readonly openers = new Map<
    string,
    { side: 'long' | 'short'; orders: readonly Pick<Order, 'id' | 'clientOid'>[] }
  >();
  /** Symbols the venue held a position on at this pass's positions step (the stops step runs only after it succeeded). */
  private venueHeld: ReadonlySet<string> = new Set();

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly stops: StopManager,
    private readonly exits: ExitFlow,
    private readonly serial: KeyedSerial<string>,
  ) {}

  async run(): Promise<ReconcileReport> {
    const r: MutableReport = {
      intentsResolved: 0,
      intentsAbandoned: 0,
      intentsUnresolved: 0,
      intentsInFlight: 0,
      positionsAdopted: [],
      positionsClosed: [],
      stopsPlaced: [],
      stopsCancelled: 0,
      fillsImported: 0,
      ordersForeign: 0,
      positionsForeign: [],
      contested: [],
      positionsUnsettled: [],
      positionsHandedOver: [],
      blockingIntents: [],
      errors: [],
    };
    const step = async (name: string, fn: () => Promise<void>): Promise<boolean> => {
      try {
        await fn();
        return true;
      } catch (e) {
        this.ctx.journal.noteFailure(e, `reconcile ${name}`);
        r.errors.push(`${name}: ${errorMessage(e)}`);
        this.ctx.log.error(`reconcile ${name} failed`, { error: errorMessage(e) });
        return false;
      }
    };
    // Writes deferred while the journal was unwritable go in first, in order. While it still is,
    // this pass would only pile up more: exits and stop moves carry on without it meanwhile.
    if (!this.ctx.journal.flush()) {
      r.errors.push(this.ctx.journal.reason ?? 'journal unwritable');
      return r;
    }
    await step('contracts', () => this.ctx.contracts.refresh());
    await step('equity', async () => {
      const { data } = await this.ctx.exchange.accountOverview();
      this.ctx.store.dailyPnl.recordStartOfDayEquity(data.accountEquity);
    });
    await step('intents', () => this.resolveIntents(r));
    // Positions and stops only make sense on a complete picture of the exchange's positions.
    const positionsOk = await step('positions', () => this.reconcilePositions(r));
    if (positionsOk) await step('stops', () => this.reconcileStops(r));
    await step('fills', () => this.importFills(r));
    // Several processes on one account: keep the leases of what this process trades, free the rest.
    await step('leases', () =>
      this.ctx.o.ownership.retainOnly([
        ...this.ctx.store.positions.active().map((p) => p.symbol),
        ...this.ctx.entering,
      ]),
    );
    this.publishTakenOver();
    // Every pass re-resolves the live stop orders; only a pass that changed or failed something is
    // worth an info line (the rest would repeat every few seconds).
    const eventful =
      r.errors.length > 0 ||
      r.intentsAbandoned > 0 ||
      r.intentsUnresolved > 0 ||
      r.positionsAdopted.length > 0 ||
      r.positionsClosed.length > 0 ||
      r.stopsPlaced.length > 0 ||
      r.stopsCancelled > 0 ||
      r.fillsImported > 0 ||
      r.contested.length > 0 ||
      r.positionsUnsettled.length > 0 ||
      r.positionsHandedOver.length > 0;
    this.ctx.log[eventful ? 'info' : 'debug']('reconciled', { ...r });
    return r;
  }

  /**
   * Positions still active in this journal on symbols another process took over (our fencing token
   * is stale): their exits and stop moves are refused here, so health says so and names them
   * instead of staying HEALTHY. Sent after every pass, cleared (status null) when none is left.
   */
  private publishTakenOver(): void {
    const symbols = [
      ...new Set(
        this.ctx.store.positions
          .active()
          .map((p) => p.symbol)
          .filter((s) => !this.ctx.o.ownership.mayTrade(s)),
      ),
    ].sort();
    this.ctx.emit({
      type: 'health',
      symbol: '',
      key: 'taken-over',
      status: symbols.length > 0 ? 'DEGRADED' : null,
      reason: `positions taken over by another process on this account (exits and stop moves refused here): ${symbols.join(', ')}`,
    });
  }

  // ---- 1. intents ---------------------------------------------------------------------------

  private async resolveIntents(r: MutableReport): Promise<void> {
    const { intents } = this.ctx.store;
    for (const listed of intents.unresolvedIntents()) {
      // Exits and stop changes of a symbol run in its serial queue: wait for the one in flight to
      // finish, then look again (it has usually resolved its own intent by then).
      await this.serial.serial(listed.symbol, () => this.resolveIntent(listed.clientOid, r));
    }
  }

  private async resolveIntent(clientOid: string, r: MutableReport): Promise<void> {
    const { intents } = this.ctx.store;
    const intent = intents.get(clientOid);
    if (intent === undefined || !UNRESOLVED_STATES.includes(intent.state)) return;
    // An entry in flight in this executor (slow answer, fill confirmation, stop placement) is the
    // entry flow's to resolve; taking it over here made that flow fail half-way.
    if (this.ctx.entering.has(intent.symbol)) {
      r.intentsInFlight++;
      return;
    }
    if (intent.state === 'pending') {
      // Marked 'sent' synchronously before any request leaves: a pending intent was never sent.
      const found = await lookupByClientOid(this.ctx.exchange, intent.clientOid);
      if (found.kind === 'not-found') {
        intents.markRejected(intent.clientOid, 'abandoned: journaled but never sent (reconcile)');
        r.intentsAbandoned++;
        return;
      }
      if (found.kind === 'error') return this.blocked(intent, r, found.reason);
      (await this.applyOrder(intent, found.order)) ? r.intentsResolved++ : this.blocked(intent, r, null);
      return;
    }
    // Only the exchange can say what happened to it: ask again with backoff before any final state
    // (a request may still be on its way, a lookup may hit a bad moment).
    const found = await lookupRepeatedly(this.ctx, intent.clientOid);
    if (found.kind === 'error') return this.blocked(intent, r, found.reason);
    if (found.kind === 'not-found') {
      if (intent.state === 'sent' || intent.state === 'unknown') {
        intents.markRejected(
          intent.clientOid,
          `not found on the exchange by clientOid after ${LOOKUPS} lookups (reconcile)`,
        );
        this.ctx.intendedStops.delete(intent.clientOid);
        r.intentsAbandoned++;
      } else {
        await this.resolveFromPosition(intent, r);
      }
      return;
    }
    (await this.applyOrder(intent, found.order)) ? r.intentsResolved++ : this.blocked(intent, r, null);
  }

  /** An intent left without an outcome: it blocks entries, and health names it. */
  private blocked(intent: OrderIntent, r: MutableReport, error: string | null): void {
    r.intentsUnresolved++;
    r.blockingIntents.push(`${intent.kind} ${intent.clientOid} (${intent.symbol}, ${intent.state})`);
    if (error !== null) r.errors.push(`intent ${intent.clientOid}: ${error}`);
  }

  /**
   * The exchange once acknowledged this order but no longer knows it (a stop removed behind our
   * back, a venue that lost its order book). Its outcome follows from the position: a stop is gone
   * (cancelled; the stops pass protects the position again); an entry or exit is done, and the
   * positions pass adopts, protects, closes or leaves unsettled whatever the exchange holds.
   */
  private async resolveFromPosition(intent: OrderIntent, r: MutableReport): Promise<void> {
    const { intents } = this.ctx.store;
    if (STOP_KINDS.has(intent.kind)) {
      intents.markCancelled(intent.clientOid, 'gone from the exchange (reconcile)');
      const position = this.ctx.store.positions.activeForSymbol(intent.symbol);
      if (position !== undefined && position.stopClientOid === intent.clientOid) {
        this.alert(intent.symbol, `stop ${intent.clientOid} is gone from the exchange; protecting the position again`);
      }
      r.intentsResolved++;
      return;
    }
    let held: number;
    try {
      held = Math.abs((await this.ctx.exchange.position(intent.symbol)).data.currentQty);
    } catch (e) {
      return this.blocked(
        intent,
        r,
        `${intent.state} but unknown to the exchange; position check failed: ${errorMessage(e)}`,
      );
    }
    intents.markCancelled(
      intent.clientOid,
      `unknown to the exchange after ${LOOKUPS} lookups; position ${held === 0 ? 'flat' : 'open'} (reconcile)`,
    );
    this.alert(
      intent.symbol,
      `${intent.kind} ${intent.clientOid} was ${intent.state} but the exchange does not know it; the position is ${held === 0 ? 'flat: nothing left to do' : 'open: protecting it again'}`,
    );
    r.intentsResolved++;
  }

  private alert(symbol: string, reason: string): void {
    this.ctx.log.error(reason, { symbol });
    this.ctx.emit({ type: 'alert', symbol, reason });
  }

  /** The journal follows the exchange's view of the order. True when the intent's outcome is now known. */
  private async applyOrder(intent: OrderIntent, order: Order): Promise<boolean> {
    const { intents } = this.ctx.store;
    if (intent.state === 'pending') intents.markSent(intent.clientOid);
    const current = defined(intents.get(intent.clientOid), `journal intent ${intent.clientOid}`);
    if (current.state === 'sent' || current.state === 'unknown') intents.markAcknowledged(intent.clientOid, order.id);
    const done = !order.isActive || order.status === 'done';
    if (STOP_KINDS.has(intent.kind)) {
      if (!done) return true; // a live stop: 'acknowledged' is its steady state
      if (order.filledSize > 0)
        intents.markFilled(intent.clientOid, {
          orderId: order.id,
          filledSize: Math.min(order.filledSize, intent.size),
        });
      else intents.markCancelled(intent.clientOid, `stop ${order.status} on the exchange (reconcile)`);
      return true;
    }
    if (!done) return false;
    const conf = await settle(this.ctx.confirmDeps, intent.clientOid, order);
    if (conf.kind === 'unknown') return false;
    if (conf.kind === 'unfilled') return true;
    if (intent.kind === 'entry') {
      const recorded = this.ctx.store.transaction(() => {
        conf.journal();
        this.ctx.store.fills.recordFills(conf.fills.map((f) => toFillInput(f, intent.clientOid)));
        return this.recordFilledEntry(intent, conf.summary.size, conf.summary.avgPrice);
      });
      // Its entry flow died before reporting it: report it now, so opened and closed counts agree.
      if (recorded !== undefined) {
        this.ctx.emit({
          type: 'adopted',
          symbol: recorded.symbol,
          side: recorded.side,
          size: recorded.size,
          entryPrice: recorded.entryPrice,
          stopPrice: recorded.stopPrice ?? 0,
        });
      }
      return true;
    }
    if (intent.kind === 'exit' && intent.positionId !== null) {
      const position = this.ctx.store.positions.get(intent.positionId);
      if (
        position !== undefined &&
        position.status !== 'closed' &&
        conf.kind === 'partial' &&
        conf.summary.size < position.size
      ) {
        // Only part filled (a take-profit IOC): the rest is still held and still the position. Its
        // fills are booked with the rest when it closes (record() counts them).
        this.ctx.store.transaction(() => {
          conf.journal();
          this.ctx.store.fills.recordFills(conf.fills.map((f) => toFillInput(f, intent.clientOid)));
          this.ctx.store.positions.update(position.id, { size: position.size - conf.summary.size });
          if (position.status === 'closing') this.ctx.store.positions.cancelClosing(position.id);
        });
        return true;
      }
      if (position !== undefined && position.status !== 'closed') {
        const stop = position.stopOrderId;
        if (stop !== null) await this.stops.cancel(stop, position.stopClientOid, 'position closed (reconcile)');
        const result = await this.exits.record(position, conf.fills, 'reconcile', intent.clientOid, conf.journal);
        return result.ok;
      }
    }
    this.ctx.store.transaction(() => {
      conf.journal();
      this.ctx.store.fills.recordFills(conf.fills.map((f) => toFillInput(f, intent.clientOid)));
    });
    return true;
  }

  /** An entry that filled while we were not looking: record its position (the stop pass protects it). */
  private recordFilledEntry(intent: OrderIntent, size: number, avgPrice: number): Position | undefined {
    const { positions, intents } = this.ctx.store;
    // Its round trip may already be in the journal: adopted while the intent could not be resolved
    // (and maybe closed since). Recording it again would book that round trip twice.
    const existing =
      positions.activeForSymbol(intent.symbol) ?? positions.adoptedWithoutEntry(intent.symbol, intent.createdAt);
    if (existing !== undefined) {
      if (intent.positionId === null) intents.attachPosition(intent.clientOid, existing.id);
      return undefined;
    }
    const side = intent.side === 'buy' ? 'long' : 'short';
    // The strategy's stop when this executor sent the entry; the fallback only after a restart.
    const intended = this.ctx.intendedStops.get(intent.clientOid);
    this.ctx.intendedStops.delete(intent.clientOid);
    const p = positions.open({
      symbol: intent.symbol,
      side,
      size,
      entryPrice: avgPrice,
      leverage: intent.leverage,
      stopPrice: intended?.stopPrice ?? this.fallbackStop(intent.symbol, side, avgPrice),
      takeProfitPrice: intended?.takeProfitPrice ?? null,
    });
    intents.attachPosition(intent.clientOid, p.id);
    this.ctx.log.warn('entry filled while the executor was away: position recorded', {
      symbol: intent.symbol,
      size,
      entryPrice: avgPrice,
    });
    return p;
  }

  // ---- 2. positions -------------------------------------------------------------------------

  private async reconcilePositions(r: MutableReport): Promise<void> {
    // Read before asking: a close booked while the list is in flight has a higher trade id, and the
    // store refuses to adopt its symbol from this list (it may still show the position just closed).
    const viewedAfterTradeId = this.ctx.store.trades.lastId();
    const { data } = await this.ctx.exchange.positions();
    const held = new Map<string, ExchangePosition>();
    for (const p of data) if (p.currentQty !== 0) held.set(p.symbol, p);
    this.venueHeld = new Set(held.keys());
    const foreign: ForeignPosition[] = [];

    const active = this.ctx.store.positions.active();
    // Several processes on one account: the lease of each journal position is checked before this
    // pass settles, resizes or protects it (a restarted old owner knows no stale token of its own).
    const takenOver = await this.ctx.o.ownership.confirmHeld([...new Set(active.map((p) => p.symbol))]);
    for (const local of active) {
      // Taken over by another process (our fencing token is stale): its journal books it now.
      if (takenOver.has(local.symbol)) {
        await this.serial.serial(local.symbol, async () => this.handOver(local.id, r));
        continue;
      }
      if (!this.ctx.o.ownership.mayTrade(local.symbol)) continue;
      await this.serial.serial(local.symbol, async () => {
        const ex = held.get(local.symbol);
        const current = this.ctx.store.positions.get(local.id);
        if (current === undefined || current.status === 'closed') return;
        if (ex !== undefined && this.ctx.unsettled.has(current.id)) {
          // Seen flat without exit fills, now held again: what is there may be a person's or
          // another bot's position. Settling onto it would stop, resize, close and book their lots.
          const owner = await this.heldAgainBy(ex);
          if (owner !== 'own') {
            const exSide = ex.currentQty > 0 ? 'long' : 'short';
            const reported = owner === 'other-bot' ? 'other-bot' : 'person';
            foreign.push({
              symbol: ex.symbol,
              side: exSide,
              size: Math.abs(ex.currentQty),
              entryPrice: ex.avgEntryPrice,
              owner: reported,
            });
            r.positionsForeign.push(ex.symbol);
            r.positionsUnsettled.push(ex.symbol);
            if (owner === 'other-bot')
              this.contest(ex.symbol, 'a position opened by another bot where ours went flat', r);
            return;
          }
        }
        if (ex !== undefined) this.ctx.unsettled.settle(current.id);
        if (ex === undefined) {
          // Ask once more for this symbol before booking a close: the snapshot may predate a position
          // an entry flow recorded while it was in flight, and a close booked for a position the
          // exchange still holds would be adopted again next pass and counted twice.
          const closed = await this.exits.recordFromExchange(current, true);
          if (closed.ok) r.positionsClosed.push(local.symbol);
          // Unsettled is a known state (health names it), not an incomplete reconciliation.
          else if (closed.unsettled === true) r.positionsUnsettled.push(local.symbol);
          else r.errors.push(`closing ${local.symbol} from fills: ${closed.reason}`);
          return;
        }
        const exSide = ex.currentQty > 0 ? 'long' : 'short';
        if (exSide !== current.side) {
          r.errors.push(`${local.symbol}: local ${current.side} but the exchange holds a ${exSide}`);
          this.ctx.emit({
            type: 'alert',
            symbol: local.symbol,
            reason: `side mismatch: local ${current.side}, exchange ${exSide}`,
          });
          return;
        }
        const size = Math.abs(ex.currentQty);
        // Larger than the journal filled: another order merged into ours (one-way mode). Ours stays
        // the size we filled; the rest is not ours to close.
        if (size > current.size)
          this.contest(local.symbol, `position ${size} lots where the journal filled ${current.size}`, r);
        else if (size !== current.size) this.ctx.store.positions.update(current.id, { size });
        // An exit left 'closing' by a crash did not happen (the exchange still holds it): reopen it,
        // the monitor will ask again.
        if (current.status === 'closing') this.ctx.store.positions.cancelClosing(current.id);
      });
    }

    for (const symbol of this.openers.keys()) if (!held.has(symbol)) this.openers.delete(symbol);
    const unrecorded = [...held.values()].filter(
      (ex) => this.ctx.store.positions.activeForSymbol(ex.symbol) === undefined,
    );
    // Several processes on one account (REDIS_URL): a position another live process owns is its
    // business, not a contest; unknown (Redis down) means hands off.
    const others =
      unrecorded.length === 0
        ? new Set<string>()
        : await this.ctx.o.ownership.heldByOthers(unrecorded.map((ex) => ex.symbol));
    for (let ex of unrecorded) {
      if (this.ctx.store.positions.activeForSymbol(ex.symbol) !== undefined) continue;
      // Filled by an entry this executor is still confirming: the entry flow records it.
      if (this.ctx.entering.has(ex.symbol)) continue;
      if (others === undefined || others.has(ex.symbol)) continue;
      const side = ex.currentQty > 0 ? 'long' : 'short';
      // Ours only if the orders that opened it carry our prefix (or a cluster peer's, see below); a
      // person's or another bot's position is reported and left alone.
      const owner = await this.openerOf(ex.symbol, side);
      if (owner !== 'own' && owner !== 'peer') {
        // Maybe a peer whose bot id a restarted Redis has not re-learned yet: hands off, no verdict.
        if (owner === 'other-bot' && !this.ctx.o.ownership.knowsPeers()) continue;
        foreign.push({ symbol: ex.symbol, side, size: Math.abs(ex.currentQty), entryPrice: ex.avgEntryPrice, owner });
        r.positionsForeign.push(ex.symbol);
        if (owner === 'other-bot') this.contest(ex.symbol, 'a position opened by another bot', r);
        continue;
      }
      // Ours or a cluster peer's that nobody owns any more (its lease expired: the peer died): take
      // it over, or leave it to whichever process did.
      if (!(await this.ctx.o.ownership.claimForAdoption(ex.symbol))) continue;
      // The list predates the claim: the lease may have been free because its owner just closed
      // the round trip (and released it). Adopt only what the venue holds now, on the same side.
      const fresh = (await this.ctx.exchange.position(ex.symbol)).data;
      if (fresh.currentQty === 0 || (fresh.currentQty > 0 ? 'long' : 'short') !== side) continue;
      ex = fresh;
      const stopPrice = this.fallbackStop(ex.symbol, side, ex.avgEntryPrice);
      const leverage = ex.realLeverage ?? ex.leverage;
      try {
        this.ctx.store.positions.open({
          symbol: ex.symbol,
          side,
          size: Math.abs(ex.currentQty),
          entryPrice: ex.avgEntryPrice,
          leverage: leverage !== null && leverage >= 1 ? leverage : null,
          stopPrice,
          adopted: true,
          viewedAfterTradeId,
        });
      } catch (e) {
        if (!isStaleVenueViewError(e)) throw e;
        // Not a second position for the round trip just closed; if the venue really holds a new
        // one, the next pass (with a fresh list) adopts it.
        this.ctx.log.warn('adoption refused by the store; the next pass decides', {
          symbol: ex.symbol,
          reason: e.message,
        });
        continue;
      }
      r.positionsAdopted.push(ex.symbol);
      this.ctx.emit({
        type: 'adopted',
        symbol: ex.symbol,
        side,
        size: Math.abs(ex.currentQty),
        entryPrice: ex.avgEntryPrice,
        stopPrice,
      });
    }
    this.ctx.scope.setForeignPositions(foreign);
    this.ctx.rememberOwn(this.ctx.store.positions.active().filter((p) => !this.ctx.unsettled.has(p.id)));
  }

  /**
   * A position another process took over leaves this journal as closed WITHOUT a trade: the new
   * owner books the round trip, and a record kept here would stay active forever with its exits
   * refused. One whose exit order may still be working waits (an exit that filled is ours to book).
   */
  private handOver(positionId: number, r: MutableReport): void {
    const position = this.ctx.store.positions.get(positionId);
    if (position === undefined || position.status === 'closed') return;
    const exitInFlight = this.ctx.store.intents
      .forPosition(positionId)
      .some((i) => i.kind === 'exit' && UNRESOLVED_STATES.includes(i.state));
    if (exitInFlight) return;
    if (!this.ctx.store.positions.handOver(positionId)) return;
    this.ctx.unsettled.settle(positionId);
    r.positionsHandedOver.push(position.symbol);
    const reason = `${position.symbol}: another process on this account took the position over; retired from this journal without a trade (its new owner books it)`;
    this.ctx.log.warn(reason, { symbol: position.symbol, positionId });
    this.ctx.emit({ type: 'alert', symbol: position.symbol, reason });
  }

  /** Who opened the position on `symbol`: the owner of its filled opening orders (none found: a person). */
  private async openerOf(symbol: string, side: 'long' | 'short'): Promise<'own' | 'peer' | ForeignPosition['owner']> {
    let known = this.openers.get(symbol);
    if (known === undefined || known.side !== side) {
      const { data } = await this.ctx.exchange.orders({ symbol, status: 'done', currentPage: 1, pageSize: 100 });
      const opening = data.items.filter(
        (o) => o.symbol === symbol && o.side === entrySide(side) && !o.reduceOnly && !o.closeOrder && o.filledSize > 0,
      );
      known = { side, orders: opening.map((o) => ({ id: o.id, clientOid: o.clientOid })) };
      this.openers.set(symbol, known);
    }
    // Judged afresh every pass (no I/O): a cluster peer's bot id may be learned after the first look.
    const owners = new Set(known.orders.map((o) => this.ownerOf(o)));
    return owners.has('own') ? 'own' : owners.has('peer') ? 'peer' : owners.has('other-bot') ? 'other-bot' : 'person';
  }

  /**
   * Who opened the position the exchange holds now on the symbol of one of our unsettled positions:
   * 'own' only when every filled opening order since it was opened is ours (a cluster peer's is not:
   * its position is not our record's). Without the venue's opening time every opening order counts.
   */
  private async heldAgainBy(ex: ExchangePosition): Promise<OrderOwner | 'peer'> {
    const side = ex.currentQty > 0 ? 'long' : 'short';
    const since = ex.openingTimestamp ?? Number.NEGATIVE_INFINITY;
    const { data } = await this.ctx.exchange.orders({
      symbol: ex.symbol,
      status: 'done',
      currentPage: 1,
      pageSize: 100,
    });
    const opening = data.items.filter(
      (o) =>
        o.symbol === ex.symbol &&
        o.side === entrySide(side) &&
        !o.reduceOnly &&
        !o.closeOrder &&
        o.filledSize > 0 &&
        Math.max(o.createdAt, o.updatedAt ?? 0, o.endAt ?? 0) >= since,
    );
    const owners = new Set(opening.map((o) => this.ownerOf(o)));
    if (owners.size === 1 && owners.has('own')) return 'own';
    return owners.has('other-bot') ? 'other-bot' : owners.has('peer') ? 'peer' : 'person';
  }

  /**
   * Whose order: the executor's rule (order-ownership.ts), except that another bot coordinated with
   * this one through Redis (REDIS_URL, same account) is a 'peer', not a contest: its symbols are
   * guarded by leases, and its positions and stops are taken over when it dies.
   */
  private ownerOf(o: Pick<Order, 'id' | 'clientOid'>): OrderOwner | 'peer' {
    const owner = this.ctx.ownerOf(o);
    return owner === 'other-bot' && this.ctx.o.ownership.isPeerBot(botIdOf(o.clientOid)) ? 'peer' : owner;
  }

  /** Another bot on `symbol`: entries there stop; the first sighting is alerted. */
  private contest(symbol: string, reason: string, r: MutableReport): void {
    if (!r.contested.includes(symbol)) r.contested.push(symbol);
    if (this.ctx.scope.contest(symbol, reason)) {
      this.ctx.log.warn(ANOTHER_BOT_ALERT, { symbol, reason });
      this.ctx.emit({ type: 'alert', symbol, reason: `${ANOTHER_BOT_ALERT}: ${reason}` });
    }
  }

  /** `fallbackStopFraction` away from the entry, rounded away from it; entry-based so it is reproducible. */
  private fallbackStop(symbol: string, side: 'long' | 'short', entry: number): number {
    const f = this.ctx.o.fallbackStopFraction;
    const raw = side === 'long' ? entry * (1 - f) : entry * (1 + f);
    const tick = this.ctx.contracts.peek(symbol)?.tickSize;
    return tick === undefined ? raw : roundToTick(raw, tick, side === 'long' ? 'down' : 'up');
  }

  // ---- 3. stops -----------------------------------------------------------------------------

  /** Untriggered stop orders and open orders on the whole account (every owner). */
  private async liveOrders(): Promise<{ stops: Order[]; open: Order[] }> {
    const stops: Order[] = [];
    for (let page = 1; page <= 20; page++) {
      const { data } = await this.ctx.exchange.untriggeredStopOrders({ currentPage: page, pageSize: 200 });
      stops.push(...data.items);
      if (page >= data.totalPage || data.items.length === 0) break;
    }
    const open: Order[] = [];
    for (let page = 1; page <= 20; page++) {
      const { data } = await this.ctx.exchange.orders({ status: 'active', currentPage: page, pageSize: 200 });
      open.push(...data.items);
      if (page >= data.totalPage || data.items.length === 0) break;
    }
    return { stops, open };
  }

  /**
   * The bot's own protective stops; every other order is counted as foreign (and another bot's
   * prefix contests its symbol) and never becomes a candidate for a cancel.
   */
  private async liveStops(r: MutableReport): Promise<Order[]> {
    const { stops, open } = await this.liveOrders();
    const stopIds = new Set(stops.map((o) => o.id));
    const own: Order[] = [];
    let foreign = 0;
    const opening = new Set<string>();
    for (const o of [...stops, ...open.filter((x) => !stopIds.has(x.id))]) {
      const owner = this.ownerOf(o);
      // A cluster peer's stops are candidates like ours: kept when we take its position over,
      // cancelled as orphans only where no live process holds the symbol (reconcileStops).
      if (owner !== 'own' && owner !== 'peer') {
        foreign++;
        if (!o.reduceOnly && !o.closeOrder) opening.add(o.symbol);
        if (owner === 'other-bot' && this.ctx.o.ownership.knowsPeers())
          this.contest(o.symbol, `order ${o.clientOid ?? o.id} of bot ${botIdOf(o.clientOid) ?? '?'}`, r);
        continue;
      }
      if (stopIds.has(o.id) && (o.reduceOnly || o.closeOrder)) own.push(o);
    }
    r.ordersForeign = foreign;
    this.ctx.scope.setForeignOrders(foreign, [...opening]);
    return own;
  }

  private async reconcileStops(r: MutableReport): Promise<void> {
    const live = await this.liveStops(r);
    // A symbol another process took over (our fencing token is stale) is no longer ours to protect.
    const active = this.ctx.store.positions.active().filter((p) => this.ctx.o.ownership.mayTrade(p.symbol));
    for (const position of active) {
      await this.serial.serial(position.symbol, () => this.protect(position.id, live, r));
    }
    const held = new Set(this.ctx.store.positions.active().map((p) => p.symbol));
    if (this.ctx.o.foreignPositions === 'protect') {
      for (const fp of this.ctx.scope.snapshot().foreignPositions) {
        if (held.has(fp.symbol)) continue;
        held.add(fp.symbol);
        await this.serial.serial(fp.symbol, () => this.protectForeign(fp, live, r));
      }
    }
    const candidates = [...new Set(live.filter((o) => !held.has(o.symbol)).map((o) => o.symbol))];
    // Another process's stop is not an orphan: it protects that process's position.
    const others = candidates.length === 0 ? new Set<string>() : await this.ctx.o.ownership.heldByOthers(candidates);
    for (const o of live) {
      if (held.has(o.symbol)) continue;
      if (others === undefined || others.has(o.symbol)) continue;
      // A peer's stop where the venue holds a position protects that position, owned or not: its
      // owner died and nobody adopted it yet (the adoption grace, a lapsed lease). Cancelling it
      // would leave the position bare; the adopter keeps it. Only on a flat symbol is it an orphan.
      if (this.venueHeld.has(o.symbol) && this.ownerOf(o) === 'peer') continue;
      if ((await this.stops.cancel(o.id, o.clientOid, 'orphan stop (no position)')) !== 'failed') r.stopsCancelled++;
    }
  }

  /** Exactly one live stop for the position: keep the recorded one (or the best candidate), cancel the rest, place one if none. */
  private async protect(positionId: number, live: readonly Order[], r: MutableReport): Promise<void> {
    let position = this.ctx.store.positions.get(positionId);
    if (position === undefined || position.status !== 'open') return;
    // Flat on the exchange: there is nothing to protect until it is settled or held again.
    if (this.ctx.unsettled.has(position.id)) return;
    // Its entry flow places the stop right after recording it; a second one here would be a duplicate.
    if (this.ctx.entering.has(position.symbol)) return;
    const side = exitSide(position.side);
    const { symbol, stopOrderId, stopClientOid } = position;
    const direction = position.side === 'long' ? 1 : -1;
    const mine = live.filter((o) => o.symbol === symbol && o.side === side);
    const tightest = [...mine].sort((a, b) => ((b.stopPrice ?? 0) - (a.stopPrice ?? 0)) * direction)[0];
    const keep =
      mine.find((o) => o.id === stopOrderId) ??
      mine.find((o) => o.clientOid !== null && o.clientOid === stopClientOid) ??
      tightest;
    if (keep !== undefined) {
      if (keep.id !== position.stopOrderId) {
        position = this.ctx.store.positions.update(position.id, {
          stopOrderId: keep.id,
          stopClientOid: keep.clientOid,
          ...(keep.stopPrice !== null ? { stopPrice: keep.stopPrice } : {}),
        });
      }
      for (const extra of mine) {
        if (extra.id === keep.id) continue;
        if ((await this.stops.cancel(extra.id, extra.clientOid, 'duplicate stop (reconcile)')) !== 'failed')
          r.stopsCancelled++;
      }
      return;
    }
    // No live stop: the recorded one fired, was cancelled, or was never placed.
    const stopPrice = position.stopPrice ?? this.fallbackStop(position.symbol, position.side, position.entryPrice);
    let mark: number | undefined;
    try {
      mark = (await this.ctx.exchange.ticker(position.symbol)).data.price;
    } catch {
      mark = undefined;
    }
    if (mark !== undefined && (position.side === 'long' ? stopPrice >= mark : stopPrice <= mark)) {
      // The price is already through the stop: protecting it now means closing it.
      const closed = await this.exits.closeNow(position.id, 'stop');
      if (closed.ok) r.positionsClosed.push(position.symbol);
      else
        r.errors.push(
          `${position.symbol}: stop ${stopPrice} already crossed (${mark}) and the close failed: ${closed.reason}`,
        );
      return;
    }
    const placed = await this.stops.place(position, stopPrice);
    if (placed.ok) {
      r.stopsPlaced.push(position.symbol);
      return;
    }
    this.ctx.emit({
      type: 'alert',
      symbol: position.symbol,
      reason: `could not protect the position (${placed.reason}); closing it`,
    });
    const closed = await this.exits.closeNow(position.id, 'manual');
    if (closed.ok) r.positionsClosed.push(position.symbol);
    else r.errors.push(`${position.symbol} is UNPROTECTED: ${placed.reason}; close failed: ${closed.reason}`);
  }

  /**
   * FOREIGN_POSITIONS=protect: one reduce-only stop of our own, sized to the foreign position, and
   * nothing more (it is never closed, trailed or resized by us). A failure is logged, not an error of
   * the pass: the position is not ours to be responsible for.
   */
  private async protectForeign(fp: ForeignPosition, live: readonly Order[], r: MutableReport): Promise<void> {
    const side = exitSide(fp.side);
    const mine = live.filter((o) => o.symbol === fp.symbol && o.side === side);
    const fitting = mine.find((o) => o.size === fp.size);
    if (fitting !== undefined) {
      for (const extra of mine) {
        if (extra.id === fitting.id) continue;
        if ((await this.stops.cancel(extra.id, extra.clientOid, 'duplicate protective stop (reconcile)')) !== 'failed')
          r.stopsCancelled++;
      }
      return;
    }
    let stopPrice = this.fallbackStop(fp.symbol, fp.side, fp.entryPrice);
    try {
      const mark = (await this.ctx.exchange.ticker(fp.symbol)).data.price;
      if (fp.side === 'long' ? stopPrice >= mark : stopPrice <= mark)
        stopPrice = this.fallbackStop(fp.symbol, fp.side, mark);
    } catch {
      // The entry-based stop is still a stop.
    }
    const placed = await this.stops.placeForeign(fp, stopPrice);
    if (!placed.ok) {
      this.ctx.log.warn('could not place a protective stop on a foreign position', {
        symbol: fp.symbol,
        reason: placed.reason,
      });
      return;
    }
    r.stopsPlaced.push(fp.symbol);
    // Sized for an earlier size of the position: the new one is in place, the old ones go.
    for (const old of mine) {
      if ((await this.stops.cancel(old.id, old.clientOid, 'protective stop resized (reconcile)')) !== 'failed')
        r.stopsCancelled++;
    }
  }

  // ---- 4. fills -----------------------------------------------------------------------------

  private async importFills(r: MutableReport): Promise<void> {
    const { fills, intents } = this.ctx.store;
    const since = fills.lastFillTime() ?? 0;
    for (let page = 1; page <= 50; page++) {
      const { data } = await this.ctx.exchange.fills({ currentPage: page, pageSize: 200 });
      const fresh = data.items.filter((f) => f.createdAt >= since);
      // Fills of the bot's own orders only: a person's trades never enter its fills, trades or PnL.
      const own = await this.ctx.ownFills(fresh);
      if (own.length > 0) {
        const result = fills.recordFills(
          own.map((f) => toFillInput(f, intents.byOrderId(f.orderId)[0]?.clientOid ?? null)),
        );
        r.fillsImported += result.inserted;
      }
      // Newest first: once a page reaches back past `since`, older pages hold nothing new.
      if (fresh.length < data.items.length || page >= data.totalPage || data.items.length === 0) break;
    }
  }
}
