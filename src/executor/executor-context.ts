// What the flows (entry, exit, stops, reconciliation) share: the resolved options, the contract
// cache, the order sender, and small helpers. Built once by OrderExecutor.
import type { Contract, Fill as ExchangeFill } from '../exchange/schemas/index.js';
import { effectiveLeverage } from '../risk/index.js';
import type { ClosedTrade, OrderJournal, OrderSide, Position, PositionSide } from '../store/index.js';
import { AccountScope } from './account-scope.js';
import { isValidClientOid } from './client-oid.js';
import { JournalGuard } from './journal-guard.js';
import { ContractCache } from './contract-cache.js';
import { orderOwner, type JournalView, type OrderOwner } from './order-ownership.js';
import type { ResolvedExecutorOptions } from './executor-options.js';
import type { ConfirmDeps } from './order-confirmation.js';
import { OrderSender } from './order-sender.js';
import { roundTradeMoney, type TradeEvent } from '../protocol/trade-event.js';
import { UnsettledPositions } from './unsettled-positions.js';

type EventWithoutTime = TradeEvent extends infer E ? (E extends TradeEvent ? Omit<E, 'at'> : never) : never;

export class ExecutorContext {
  readonly contracts: ContractCache;
  readonly sender: OrderSender;
  readonly confirmDeps: ConfirmDeps;
  /**
   * Symbols with an entry in flight in THIS executor (journaled, being sent, confirmed, protected).
   * Reconciliation leaves them to the entry flow: a slow answer must not make the periodic
   * reconciliation resolve the intent, adopt the position or place a second stop behind its back.
   */
  readonly entering = new Set<string>();
  /** What on the account is not ours (see account-scope.ts). */
  readonly scope: AccountScope;
  private readonly journalView: JournalView;
  /**
   * The strategy's stop (and target) of each entry whose outcome is not known yet, by clientOid:
   * when reconciliation records such an entry's fill, it protects it with this stop instead of the
   * fallback. In memory: after a restart no signal survives, and the fallback applies.
   */
  readonly intendedStops = new Map<string, { readonly stopPrice: number; readonly takeProfitPrice: number | null }>();

  /** Positions flat on the exchange without exit fills to explain it; see unsettled-positions.ts. */
  readonly unsettled: UnsettledPositions;
  /** Journal writes that may wait for a writable store; see journal-guard.ts. */
  readonly journal: JournalGuard;
  /** The order journal with its state changes guarded (deferred while the store is unwritable). */
  readonly intents: OrderJournal;
  /** Trades closed on the exchange while the journal could not record them, by position id. */
  readonly closesAwaitingJournal = new Map<number, ClosedTrade>();
  /**
   * Exit fills of a position (a take-profit that filled only partly) the journal could not record
   * yet, by position id: a close booked before they are written still counts them.
   */
  readonly exitFillsAwaitingJournal = new Map<number, readonly ExchangeFill[]>();
  /**
   * Positions whose entry filled while the journal could not record them, by symbol, with a
   * negative id: guarded, moved and closed like any other until the journal records them.
   */
  readonly provisional = new Map<string, { position: Position; readonly entryFees: number }>();
  private nextProvisionalId = -1;
  /**
   * Provisional id -> the journal's id, for positions the journal recorded on replay: the monitor
   * still guards them under the provisional id, and an exit it asks for must close them.
   */
  readonly recordedProvisional = new Map<number, number>();
  /**
   * The bot's open positions as last read from the journal, by symbol. While the journal cannot be
   * read, a close sized from the exchange's position is capped at this size and refused where the
   * bot knew of no position: what the exchange holds beyond it is someone else's.
   */
  readonly lastKnownOwn = new Map<string, Position>();

  /** Replaces the last known own positions with a complete list just read from the journal. */
  rememberOwn(positions: readonly Position[]): void {
    this.lastKnownOwn.clear();
    for (const p of positions) this.lastKnownOwn.set(p.symbol, p);
  }

  /** A negative id for a position the journal has not recorded yet. */
  provisionalId(): number {
    return this.nextProvisionalId--;
  }

  /**
   * Stop changes of positions the journal could not record yet, by position id (cleared when the
   * deferred update is written): readers see the stop the exchange really holds.
   */
  readonly positionPatches = new Map<number, Partial<Pick<Position, 'stopOrderId' | 'stopClientOid' | 'stopPrice'>>>();
  /** Closes of provisional positions already reported (`symbol|openedAt`): booked later without a second report. */
  readonly closesReported = new Set<string>();
  /** Orders (clientOids and order ids) the journal has yet to record: still the bot's own. */
  readonly awaitingJournal: AwaitingJournal = { clientOids: new Set(), orderIds: new Set() };

  /** The active position on `symbol`: the journal's, else a provisional one. */
  activePosition(symbol: string): Position | undefined {
    return this.overlay(this.store.positions.activeForSymbol(symbol)) ?? this.provisional.get(symbol)?.position;
  }

  /** Keeps a provisional position's in-memory record current (a stop placed or moved). */
  updateProvisional(position: Position): void {
    const entry = this.provisional.get(position.symbol);
    if (entry !== undefined && entry.position.id === position.id) entry.position = position;
  }

  constructor(readonly o: ResolvedExecutorOptions) {
    this.scope = new AccountScope(o.botId, o.clock, o.contestHoldMs);
    this.journalView = {
      knowsClientOid: (clientOid) =>
        this.awaitingJournal.clientOids.has(clientOid) ||
        (isValidClientOid(clientOid) && o.store.intents.get(clientOid) !== undefined),
      knowsOrderId: (orderId) => o.store.intents.byOrderId(orderId).length > 0,
    };
    this.unsettled = new UnsettledPositions(o.clock);
    this.journal = new JournalGuard({
      file: o.store.path,
      log: o.logger,
      emit: (e) => this.emit(e),
      probe: (code) =>
        void o.store.events.recordAlert({
          kind: 'journal',
          subject: 'order-executor',
          message: `journal writable again after ${code}`,
        }),
    });
    this.intents = guardJournalWrites(o.store.intents, this.journal, this.awaitingJournal);
    this.contracts = new ContractCache(o.exchange, o.clock, o.contractsTtlMs);
    this.sender = new OrderSender({
      exchange: o.exchange,
      journal: this.intents,
      clock: o.clock,
      logger: o.logger,
      maxAttempts: o.maxSendAttempts,
      retryDelayMs: o.retryDelayMs,
    });
    this.confirmDeps = {
      exchange: o.exchange,
      journal: this.intents,
      clock: o.clock,
      polls: o.fillPolls,
      pollMs: o.fillPollMs,
    };
  }

  get exchange(): ResolvedExecutorOptions['exchange'] {
    return this.o.exchange;
  }

  get store(): ResolvedExecutorOptions['store'] {
    return this.o.store;
  }

  get log(): ResolvedExecutorOptions['logger'] {
    return this.o.logger;
  }

  /** Applies stop changes the journal has not recorded yet (it was unwritable) to `position`. */
  overlay(position: Position): Position;
  overlay(position: Position | undefined): Position | undefined;
  overlay(position: Position | undefined): Position | undefined {
    if (position === undefined) return undefined;
    const patch = this.positionPatches.get(position.id);
    return patch === undefined ? position : { ...position, ...patch };
  }

  /** Whose order this is; only 'own' orders are ever cancelled, amended or counted. */
  ownerOf(order: { readonly id: string; readonly clientOid: string | null }): OrderOwner {
    return orderOwner(order, this.o.botId, this.journalView);
  }

  /** A fill is the bot's when the journal knows its order (fills carry no clientOid). */
  ownsOrderId(orderId: string): boolean {
    return this.awaitingJournal.orderIds.has(orderId) || this.journalView.knowsOrderId(orderId);
  }

  /**
   * The fills of the bot's own orders: the journal knows the order, or (sent while the journal could
   * not record it) the exchange's order carries the bot's prefix. One order-list call, only when some
   * fill's order is unknown to the journal.
   */
  async ownFills<F extends { readonly orderId: string }>(fills: readonly F[], symbol?: string): Promise<F[]> {
    if (fills.every((f) => this.ownsOrderId(f.orderId))) return [...fills];
    const { data } = await this.o.exchange.orders({
      status: 'done',
      currentPage: 1,
      pageSize: 200,
      ...(symbol !== undefined ? { symbol } : {}),
    });
    const own = new Set(data.items.filter((o) => this.ownerOf(o) === 'own').map((o) => o.id));
    return fills.filter((f) => this.ownsOrderId(f.orderId) || own.has(f.orderId));
  }

  now(): number {
    return this.o.clock.now();
  }

  /** Delivers an event; a failing sink is logged, never allowed to break trading. */
  emit(event: EventWithoutTime): void {
    const full = roundTradeMoney({ ...event, at: this.now() } as TradeEvent);
    try {
      this.o.onEvent(full);
    } catch (e) {
      this.o.logger.error('trade event sink threw', {
        type: event.type,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** Leverage for orders on `contract`: configured, capped by the contract. */
  leverageFor(contract: Contract): number {
    return effectiveLeverage(this.o.limits.leverage, contract.maxLeverage);
  }

  /** Leverage to send with a reduce-only order of `position` (KuCoin wants one on every non-close order). */
  positionLeverage(position: Position, contract: Contract | undefined): number {
    if (position.leverage !== null && position.leverage >= 1) return position.leverage;
    return contract ? this.leverageFor(contract) : 1;
  }

  /** The newest recorded trade of `symbol`, if any. */
  latestTrade(symbol: string) {
    return this.store.trades.recent(500).find((t) => t.symbol === symbol);
  }
}

/** State changes (mark*, record*, attach*) go through the guard; reads go straight to the journal. */
interface AwaitingJournal {
  readonly clientOids: Set<string>;
  readonly orderIds: Set<string>;
}

function guardJournalWrites(journal: OrderJournal, guard: JournalGuard, awaiting: AwaitingJournal): OrderJournal {
  return new Proxy(journal, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop === 'string' && /^(mark|record|attach)/.test(prop)) {
        return (...args: unknown[]) =>
          guard.write(
            `intents.${prop}`,
            () => fn.apply(target, args),
            () => {
              // Deferred: the orders stay the bot's own meanwhile (ownership asks the journal).
              const [first, second] = args as [unknown, unknown];
              const clientOid =
                typeof first === 'string' ? first : (first as { clientOid?: unknown } | null)?.clientOid;
              if (typeof clientOid === 'string') awaiting.clientOids.add(clientOid);
              const orderId =
                typeof second === 'string' ? second : (second as { orderId?: unknown } | null | undefined)?.orderId;
              if (typeof orderId === 'string') awaiting.orderIds.add(orderId);
              return undefined;
            },
          );
      }
      return fn.bind(target);
    },
  });
}

export function entrySide(side: PositionSide): OrderSide {
  return side === 'long' ? 'buy' : 'sell';
}

export function exitSide(side: PositionSide): OrderSide {
  return side === 'long' ? 'sell' : 'buy';
}

/** KuCoin stop direction of a protective stop: a long is stopped when the price falls. */
export function stopDirection(side: PositionSide): 'down' | 'up' {
  return side === 'long' ? 'down' : 'up';
}
