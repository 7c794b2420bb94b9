// The venue's matching and order lifecycle: market and limit orders against the generated book,
// resting limits that fill when the market crosses them, stop orders, reduce-only and close
// orders, clientOid idempotency, funding and liquidation. State moves forward only in step(), which
// replays the simulated time since the last step in small increments.
import { KUCOIN_CODES } from '../exchange/error-codes.js';
import type { ContractSpec } from './contracts-catalogue.js';
import type { MarketData } from './market-data.js';
import { Ledger, liquidationPrice, unrealisedPnl, type Position } from './ledger.js';
import {
  parseOrderRequest,
  type OrderRequest,
  type OrderType,
  type Side,
  type StopDir,
  type StopPriceType,
} from './order-request.js';
import { SimError, orderParamError } from './sim-error.js';
import { isTriggered } from './stop-trigger.js';
import type { SimClock } from './sim-clock.js';
import { fundingTimesBetween, periodSettledAt } from './funding.js';
import { defined } from '../invariant/invariant-error.js';

export const MAKER_FEE_RATE = 0.0002;
export const TAKER_FEE_RATE = 0.0006;
const BOOK_DEPTH = 50;

export interface SimOrder {
  readonly id: string;
  readonly clientOid: string;
  readonly symbol: string;
  side: Side;
  readonly type: OrderType;
  readonly price: number | null;
  size: number;
  readonly leverage: number;
  readonly reduceOnly: boolean;
  readonly closeOrder: boolean;
  readonly timeInForce: 'GTC' | 'IOC';
  readonly postOnly: boolean;
  readonly stop: StopDir | null;
  readonly stopPriceType: StopPriceType | null;
  readonly stopPrice: number | null;
  stopTriggered: boolean;
  readonly remark: string | null;
  filledSize: number;
  filledValue: number;
  canceledSize: number;
  status: 'open' | 'done';
  cancelExist: boolean;
  readonly createdAt: number;
  updatedAt: number;
  endAt: number | null;
  /** The other half of a take-profit / stop-loss pair: one firing cancels the other. */
  linkedId: string | null;
}

export interface SimFill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly liquidity: 'maker' | 'taker';
  readonly price: number;
  readonly size: number;
  readonly value: number;
  readonly fee: number;
  readonly feeRate: number;
  readonly openFeePay: number;
  readonly closeFeePay: number;
  readonly stop: string;
  readonly orderType: OrderType;
  readonly tradeType: 'trade' | 'liquid';
  readonly tradeTime: number;
}

export type OrderChangeType = 'open' | 'match' | 'filled' | 'canceled' | 'update';

export interface OrderChange {
  readonly type: OrderChangeType;
  readonly ts: number;
  readonly matchSize?: number;
  readonly matchPrice?: number;
  readonly tradeId?: string;
  readonly liquidity?: 'maker' | 'taker';
}

export interface FundingSettlement {
  readonly fundingTime: number;
  readonly qty: number;
  readonly markPrice: number;
  readonly fundingRate: number;
  readonly fundingFee: number;
}

export interface EngineListener {
  order?(order: SimOrder, change: OrderChange): void;
  position?(position: Position, reason: 'positionChange' | 'liquidation' | 'funding', at: number): void;
  settlement?(position: Position, settlement: FundingSettlement): void;
}

export interface PlaceResult {
  readonly orderId: string;
  readonly clientOid: string;
}

export class TradingEngine {
  readonly ledger: Ledger;
  private readonly orders = new Map<string, SimOrder>();
  private readonly byClientOid = new Map<string, string>();
  private readonly fills: SimFill[] = [];
  private readonly listeners = new Set<EngineListener>();
  private lastStep: number;
  private idCounter = 0;
  private tradeCounter = 0;
  private readonly idPrefix: string;

  constructor(
    private readonly market: MarketData,
    private readonly clock: SimClock,
    initialBalance: number,
    seed: number,
  ) {
    this.ledger = new Ledger(initialBalance);
    this.lastStep = clock.now();
    this.idPrefix = String(2300 + (Math.abs(seed) % 600));
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- requests -------------------------------------------------------------------------------

  /** POST /api/v1/orders. A clientOid seen before returns the original order, never a second one. */
  place(raw: unknown): PlaceResult {
    this.step();
    const { req, spec } = parseOrderRequest(raw, (s) => this.market.spec(s));
    const dup = this.duplicate(req.clientOid);
    if (dup) return dup;
    const order = this.createOrder(req);
    this.activateOrReject(order, spec, req);
    return { orderId: order.id, clientOid: order.clientOid };
  }

  /**
   * POST /api/v1/st-orders: an order with take-profit / stop-loss triggers. The main order goes in as
   * usual; each trigger becomes a reduce-only stop market order for the same size on the other
   * side, and the two triggers cancel each other when one fires.
   */
  placeTpsl(raw: unknown): PlaceResult {
    this.step();
    const { req, spec } = parseOrderRequest(raw, (s) => this.market.spec(s));
    const dup = this.duplicate(req.clientOid);
    if (dup) return dup;
    const up = req.triggerStopUpPrice;
    const down = req.triggerStopDownPrice;
    if (up === null && down === null) return this.place(raw);
    if (!req.side || req.size === undefined)
      throw orderParamError('side and size are required with take-profit / stop-loss triggers');
    const main = this.createOrder(req);
    this.activateOrReject(main, spec, req);
    const exitSide: Side = req.side === 'buy' ? 'sell' : 'buy';
    const stopType = req.stopPriceType ?? 'TP';
    const legs: SimOrder[] = [];
    for (const [dir, price, tag] of [
      ['up', up, 'up'],
      ['down', down, 'down'],
    ] as const) {
      if (price === null) continue;
      legs.push(
        this.createOrder({
          ...req,
          clientOid: `${req.clientOid}-${tag}`,
          side: exitSide,
          type: 'market',
          price: null,
          reduceOnly: true,
          closeOrder: false,
          stop: dir,
          stopPriceType: stopType,
          stopPrice: price,
        }),
      );
    }
    const [first, second] = legs;
    if (first !== undefined && second !== undefined) {
      first.linkedId = second.id;
      second.linkedId = first.id;
    }
    return { orderId: main.id, clientOid: main.clientOid };
  }

  cancelById(id: string): string[] {
    this.step();
    const o = this.orders.get(id);
    if (o?.status !== 'open') throw new SimError(KUCOIN_CODES.orderNotCancelable, 'The order cannot be canceled.', 200);
    this.cancel(o, this.clock.now());
    return [o.id];
  }

  cancelByClientOid(clientOid: string): string {
    this.step();
    const id = this.byClientOid.get(clientOid);
    const o = id ? this.orders.get(id) : undefined;
    if (o?.status !== 'open') throw new SimError(KUCOIN_CODES.orderNotCancelable, 'The order cannot be canceled.', 200);
    this.cancel(o, this.clock.now());
    return clientOid;
  }

  order(id: string): SimOrder | undefined {
    this.step();
    return this.orders.get(id);
  }

  orderByClientOid(clientOid: string): SimOrder | undefined {
    const id = this.byClientOid.get(clientOid);
    return id ? this.order(id) : undefined;
  }

  /** Orders newest first. `active`: open regular orders; `done`: finished ones; stops excluded unless triggered. */
  listOrders(filter: { status?: 'active' | 'done'; symbol?: string; side?: string; type?: string }): SimOrder[] {
    this.step();
    return [...this.orders.values()]
      .filter((o) => !this.isPendingStop(o))
      .filter((o) =>
        filter.status === 'active' ? o.status === 'open' : filter.status === 'done' ? o.status === 'done' : true,
      )
      .filter((o) => !filter.symbol || o.symbol === filter.symbol)
      .filter((o) => !filter.side || o.side === filter.side)
      .filter((o) => !filter.type || o.type === filter.type)
      .reverse();
  }

  /** Untriggered stop orders, newest first. */
  listStopOrders(filter: { symbol?: string; side?: string; type?: string }): SimOrder[] {
    this.step();
    return [...this.orders.values()]
      .filter((o) => this.isPendingStop(o))
      .filter((o) => !filter.symbol || o.symbol === filter.symbol)
      .filter((o) => !filter.side || o.side === filter.side)
      .filter((o) => !filter.type || o.type === filter.type)
      .reverse();
  }

  listFills(filter: {
    orderId?: string;
    symbol?: string;
    side?: string;
    type?: string;
    startAt?: number;
    endAt?: number;
  }): SimFill[] {
    this.step();
    return this.fills
      .filter((f) => !filter.orderId || f.orderId === filter.orderId)
      .filter((f) => !filter.symbol || f.symbol === filter.symbol)
      .filter((f) => !filter.side || f.side === filter.side)
      .filter((f) => !filter.type || f.orderType === filter.type)
      .filter((f) => filter.startAt === undefined || f.tradeTime >= filter.startAt)
      .filter((f) => filter.endAt === undefined || f.tradeTime <= filter.endAt)
      .slice()
      .reverse();
  }

  /** Margin held by open orders that can open or add to a position. */
  orderMargin(): number {
    let sum = 0;
    for (const o of this.orders.values()) {
      if (o.status !== 'open' || o.reduceOnly || o.closeOrder || this.isPendingStop(o) || o.price === null) continue;
      const spec = defined(this.market.spec(o.symbol), `contract spec of ${o.symbol}`);
      sum += ((o.size - o.filledSize) * spec.multiplier * o.price) / o.leverage;
    }
    return sum;
  }

  /** Cash not locked in positions or orders. */
  availableBalance(): number {
    let posMargin = 0;
    for (const p of this.ledger.open()) posMargin += p.margin;
    return this.ledger.wallet - posMargin - this.orderMargin();
  }

  // ---- time -----------------------------------------------------------------------------------

  /** Replays simulated time since the last step: funding, stop triggers, resting fills, liquidations. */
  step(): void {
    const now = this.clock.now();
    if (now <= this.lastStep) return;
    const from = this.lastStep;
    const span = now - from;
    const dt = Math.max(1000, span / 400);
    const symbols = this.activeSymbols();
    let prev = from;
    for (let t = Math.min(now, from + dt); ; t = Math.min(now, t + dt)) {
      for (const f of fundingTimesBetween(prev, t)) this.settleFunding(f);
      for (const s of symbols) this.evaluate(s, t);
      prev = t;
      if (t >= now) break;
    }
    this.lastStep = now;
  }

  // ---- internals ------------------------------------------------------------------------------

  private duplicate(clientOid: string): PlaceResult | undefined {
    const existing = this.byClientOid.get(clientOid);
    return existing ? { orderId: existing, clientOid } : undefined;
  }

  private isPendingStop(o: SimOrder): boolean {
    return o.stop !== null && !o.stopTriggered && o.status === 'open';
  }

  private activeSymbols(): string[] {
    const set = new Set<string>();
    for (const o of this.orders.values()) if (o.status === 'open') set.add(o.symbol);
    for (const p of this.ledger.open()) set.add(p.symbol);
    return [...set];
  }

  private nextId(): string {
    this.idCounter++;
    return `${this.idPrefix}${String(Date.UTC(2024, 0, 1) / 1000 + this.idCounter).padStart(10, '0')}${String(this.idCounter).padStart(5, '0')}`;
  }

  private createOrder(req: OrderRequest): SimOrder {
    const now = this.clock.now();
    const o: SimOrder = {
      id: this.nextId(),
      clientOid: req.clientOid,
      symbol: req.symbol,
      side: req.side ?? 'sell',
      type: req.type,
      price: req.type === 'limit' ? req.price : null,
      size: req.size ?? 0,
      leverage: req.leverage,
      reduceOnly: req.reduceOnly,
      closeOrder: req.closeOrder,
      timeInForce: req.timeInForce,
      postOnly: req.postOnly,
      stop: req.stop,
      stopPriceType: req.stopPriceType,
      stopPrice: req.stopPrice,
      stopTriggered: false,
      remark: req.remark,
      filledSize: 0,
      filledValue: 0,
      canceledSize: 0,
      status: 'open',
      cancelExist: false,
      createdAt: now,
      updatedAt: now,
      endAt: null,
      linkedId: null,
    };
    this.orders.set(o.id, o);
    this.byClientOid.set(o.clientOid, o.id);
    return o;
  }

  /** New order: a stop waits for its trigger; anything else is checked and executed now. */
  private activateOrReject(order: SimOrder, spec: ContractSpec, req: OrderRequest): void {
    const now = this.clock.now();
    if (order.stop) {
      // A stop whose condition already holds fires at once, as on KuCoin.
      this.checkStop(order, now);
      return;
    }
    try {
      this.prepare(order, spec, req.side === undefined, true);
    } catch (err) {
      // Rejected requests leave no order behind, so the same clientOid may be retried.
      this.orders.delete(order.id);
      this.byClientOid.delete(order.clientOid);
      throw err;
    }
    this.execute(order, spec, now);
  }

  /**
   * Resolves close and reduce-only semantics against the current position and checks margin.
   * `strict` throws (at placement); otherwise the caller cancels (a triggered stop).
   */
  private prepare(order: SimOrder, spec: ContractSpec, sideFromPosition: boolean, strict: boolean): void {
    const pos = this.ledger.find(order.symbol);
    const qty = pos?.qty ?? 0;
    if (order.closeOrder) {
      if (qty === 0) throw new SimError(KUCOIN_CODES.noPositionToClose, 'No open positions to close.', 200);
      order.side = qty > 0 ? 'sell' : 'buy';
      order.size = Math.abs(qty);
      return;
    }
    if (sideFromPosition) throw orderParamError('side is required');
    if (order.reduceOnly) {
      if (qty === 0) throw new SimError(KUCOIN_CODES.noPositionToClose, 'No open positions to close.', 200);
      if ((qty > 0 && order.side === 'buy') || (qty < 0 && order.side === 'sell')) {
        throw orderParamError(
          'Reduce-only order would increase the position; only orders reducing the position are allowed.',
        );
      }
      return;
    }
    if (!strict) return;
    const ref =
      order.price ??
      (order.side === 'buy'
        ? this.market.top(order.symbol, this.clock.now()).ask
        : this.market.top(order.symbol, this.clock.now()).bid);
    const closing =
      qty !== 0 && Math.sign(qty) !== (order.side === 'buy' ? 1 : -1) ? Math.min(order.size, Math.abs(qty)) : 0;
    const opening = order.size - closing;
    const notional = opening * spec.multiplier * ref;
    const required = notional / order.leverage + notional * TAKER_FEE_RATE;
    if (required > this.availableBalance() + 1e-9) {
      throw new SimError(
        KUCOIN_CODES.balanceNotEnough,
        `Balance insufficient. The order would cost ${required.toFixed(4)} USDT.`,
        200,
      );
    }
  }

  /** Takes liquidity up to the limit price, then rests (GTC limit) or cancels the remainder. */
  private execute(order: SimOrder, spec: ContractSpec, t: number): void {
    const book = this.market.book(order.symbol, t, BOOK_DEPTH);
    const levels = order.side === 'buy' ? book.asks : book.bids;
    const marketable = (px: number): boolean =>
      order.price === null || (order.side === 'buy' ? px <= order.price : px >= order.price);
    if (order.postOnly && levels[0] && marketable(levels[0][0])) {
      this.cancel(order, t);
      return;
    }
    for (const [px, lots] of levels) {
      const remaining = this.fillable(order);
      if (remaining <= 0 || !marketable(px)) break;
      this.fill(order, spec, Math.min(remaining, lots), px, 'taker', t);
    }
    if (order.status !== 'open') return;
    if (this.fillable(order) <= 0 || order.type === 'market' || order.timeInForce === 'IOC') {
      this.cancel(order, t);
      return;
    }
    this.emitOrder(order, { type: 'open', ts: t });
  }

  /** Lots this order may still fill: reduce-only orders shrink to the position they reduce. */
  private fillable(order: SimOrder): number {
    const remaining = order.size - order.filledSize;
    if (!order.reduceOnly && !order.closeOrder) return remaining;
    const qty = this.ledger.find(order.symbol)?.qty ?? 0;
    const reducible = (order.side === 'sell' && qty > 0) || (order.side === 'buy' && qty < 0) ? Math.abs(qty) : 0;
    return Math.min(remaining, reducible);
  }

  private fill(
    order: SimOrder,
    spec: ContractSpec,
    lots: number,
    price: number,
    liquidity: 'maker' | 'taker',
    t: number,
  ): void {
    const feeRate = liquidity === 'maker' ? MAKER_FEE_RATE : TAKER_FEE_RATE;
    const value = lots * spec.multiplier * price;
    const fee = value * feeRate;
    const pos = this.ledger.position(spec, t);
    const effect = this.ledger.applyFill(pos, order.side, lots, price, fee, order.leverage, t);
    order.filledSize += lots;
    order.filledValue += value;
    order.updatedAt = t;
    this.tradeCounter++;
    const tradeId = `${this.idPrefix}${String(this.tradeCounter).padStart(9, '0')}`;
    const openShare = effect.openedLots / lots;
    this.fills.push({
      tradeId,
      orderId: order.id,
      symbol: order.symbol,
      side: order.side,
      liquidity,
      price,
      size: lots,
      value,
      fee,
      feeRate,
      openFeePay: fee * openShare,
      closeFeePay: fee * (1 - openShare),
      stop: order.stop ?? '',
      orderType: order.type,
      tradeType: 'trade',
      tradeTime: t,
    });
    this.emitOrder(order, { type: 'match', ts: t, matchSize: lots, matchPrice: price, tradeId, liquidity });
    if (order.filledSize >= order.size) {
      order.status = 'done';
      order.endAt = t;
      this.emitOrder(order, { type: 'filled', ts: t });
    }
    this.emitPosition(pos, 'positionChange', t);
  }

  private cancel(order: SimOrder, t: number): void {
    if (order.status !== 'open') return;
    order.canceledSize = order.size - order.filledSize;
    order.status = 'done';
    order.cancelExist = true;
    order.updatedAt = t;
    order.endAt = t;
    this.emitOrder(order, { type: 'canceled', ts: t });
  }

  private evaluate(symbol: string, t: number): void {
    const spec = defined(this.market.spec(symbol), `contract spec of ${symbol}`);
    const top = this.market.top(symbol, t);
    for (const o of [...this.orders.values()]) {
      if (o.symbol !== symbol || o.status !== 'open') continue;
      if (this.isPendingStop(o)) {
        this.checkStop(o, t);
        continue;
      }
      if (o.price === null) continue;
      const crosses = o.side === 'buy' ? top.ask <= o.price : top.bid >= o.price;
      if (!crosses) continue;
      const lots = this.fillable(o);
      if (lots > 0) this.fill(o, spec, lots, o.price, 'maker', t);
      // A reduce-only order with nothing left to reduce is cancelled, as KuCoin does.
      if (o.status === 'open' && this.fillable(o) <= 0) this.cancel(o, t);
    }
    const pos = this.ledger.find(symbol);
    if (pos && pos.qty !== 0) {
      const liq = liquidationPrice(pos);
      if ((pos.qty > 0 && top.mark <= liq) || (pos.qty < 0 && top.mark >= liq)) this.liquidate(pos, t);
    }
  }

  private checkStop(o: SimOrder, t: number): void {
    const top = this.market.top(o.symbol, t);
    if (
      !isTriggered(
        defined(o.stop, `stop direction of order ${o.id}`),
        defined(o.stopPrice, `stop price of order ${o.id}`),
        o.stopPriceType ?? 'TP',
        top,
      )
    )
      return;
    o.stopTriggered = true;
    o.updatedAt = t;
    if (o.linkedId) {
      const sibling = this.orders.get(o.linkedId);
      if (sibling) this.cancel(sibling, t);
    }
    const spec = defined(this.market.spec(o.symbol), `contract spec of ${o.symbol}`);
    try {
      this.prepare(o, spec, false, false);
    } catch {
      // Nothing left to reduce or close: the triggered order is cancelled instead of opening one.
      this.cancel(o, t);
      return;
    }
    this.execute(o, spec, t);
  }

  private liquidate(pos: Position, t: number): void {
    const side: Side = pos.qty > 0 ? 'sell' : 'buy';
    const { lots, price } = this.ledger.liquidate(pos, t);
    this.tradeCounter++;
    const tradeId = `${this.idPrefix}${String(this.tradeCounter).padStart(9, '0')}`;
    this.fills.push({
      tradeId,
      // The exchange's own liquidation order: it has an id like any order (clients validate it).
      orderId: `liq-${tradeId}`,
      symbol: pos.symbol,
      side,
      liquidity: 'taker',
      price,
      size: lots,
      value: lots * pos.spec.multiplier * price,
      fee: 0,
      feeRate: 0,
      openFeePay: 0,
      closeFeePay: 0,
      stop: '',
      orderType: 'market',
      tradeType: 'liquid',
      tradeTime: t,
    });
    // Reduce-only orders of a liquidated position have nothing left to do.
    for (const o of this.orders.values()) {
      if (o.symbol === pos.symbol && o.status === 'open' && (o.reduceOnly || o.closeOrder) && !this.isPendingStop(o))
        this.cancel(o, t);
    }
    this.emitPosition(pos, 'liquidation', t);
  }

  private settleFunding(at: number): void {
    for (const pos of this.ledger.open()) {
      const rate = this.market.fundingRateOfPeriod(pos.symbol, periodSettledAt(at));
      const mark = this.market.markPrice(pos.symbol, at);
      const qty = pos.qty;
      const paid = this.ledger.applyFunding(pos, mark, rate, at);
      for (const l of this.listeners)
        l.settlement?.(pos, { fundingTime: at, qty, markPrice: mark, fundingRate: rate, fundingFee: -paid });
      this.emitPosition(pos, 'funding', at);
    }
  }

  private emitOrder(order: SimOrder, change: OrderChange): void {
    for (const l of this.listeners) l.order?.(order, change);
  }

  private emitPosition(pos: Position, reason: 'positionChange' | 'liquidation' | 'funding', at: number): void {
    for (const l of this.listeners) l.position?.(pos, reason, at);
  }

  /** Unrealised PnL of all open positions at `t`. */
  unrealised(t: number): number {
    let sum = 0;
    for (const p of this.ledger.open()) sum += unrealisedPnl(p, this.market.markPrice(p.symbol, t));
    return sum;
  }
}
