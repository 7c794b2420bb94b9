// Renders engine state in KuCoin Futures' JSON shapes (field names and string-vs-number choices
// follow KuCoin's published examples).
import { decimalsOf, type ContractSpec } from './contracts-catalogue.js';
import { avgEntry, bankruptPrice, liquidationPrice, maintMarginRate, unrealisedPnl, type Position } from './ledger.js';
import { nanos } from './market-data.js';
import type { OrderChange, SimFill, SimOrder } from './trading-engine.js';

function fix(n: number, digits = 8): number {
  return Number(n.toFixed(digits));
}

function pxText(spec: ContractSpec, n: number | null): string | null {
  return n === null ? null : n.toFixed(decimalsOf(spec.tickSize));
}

export function orderWire(o: SimOrder, spec: ContractSpec): Record<string, unknown> {
  const avg = o.filledSize > 0 ? o.filledValue / (o.filledSize * spec.multiplier) : 0;
  const refPrice = o.price ?? avg;
  return {
    id: o.id,
    symbol: o.symbol,
    type: o.type,
    side: o.side,
    price: o.price === null ? '0' : pxText(spec, o.price),
    size: o.size,
    value: String(fix(o.size * spec.multiplier * refPrice)),
    dealValue: String(fix(o.filledValue)),
    dealSize: o.filledSize,
    stp: '',
    stop: o.stop ?? '',
    stopPriceType: o.stopPriceType ?? '',
    stopTriggered: o.stopTriggered,
    stopPrice: o.stopPrice === null ? null : pxText(spec, o.stopPrice),
    timeInForce: o.timeInForce,
    postOnly: o.postOnly,
    hidden: false,
    iceberg: false,
    leverage: String(o.leverage),
    forceHold: false,
    closeOrder: o.closeOrder,
    visibleSize: 0,
    clientOid: o.clientOid,
    remark: o.remark,
    tags: '',
    isActive: o.status === 'open',
    cancelExist: o.cancelExist,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    endAt: o.endAt,
    orderTime: nanos(o.createdAt),
    settleCurrency: 'USDT',
    marginMode: 'ISOLATED',
    avgDealPrice: avg === 0 ? '0' : String(fix(avg, decimalsOf(spec.tickSize) + 2)),
    filledSize: o.filledSize,
    filledValue: String(fix(o.filledValue)),
    status: o.status,
    reduceOnly: o.reduceOnly,
  };
}

export function fillWire(f: SimFill, spec: ContractSpec): Record<string, unknown> {
  return {
    symbol: f.symbol,
    tradeId: f.tradeId,
    orderId: f.orderId,
    side: f.side,
    liquidity: f.liquidity,
    forceTaker: false,
    price: pxText(spec, f.price),
    size: f.size,
    value: String(fix(f.value)),
    openFeePay: String(fix(f.openFeePay)),
    closeFeePay: String(fix(f.closeFeePay)),
    stop: f.stop,
    feeRate: f.feeRate.toFixed(5),
    fixFee: '0',
    feeCurrency: 'USDT',
    subTradeType: null,
    marginMode: 'ISOLATED',
    openFeeTaxPay: '0',
    closeFeeTaxPay: '0',
    displayType: f.orderType,
    fee: String(fix(f.fee)),
    settleCurrency: 'USDT',
    orderType: f.orderType,
    tradeType: f.tradeType,
    tradeTime: nanos(f.tradeTime),
    createdAt: f.tradeTime,
  };
}

/** One isolated position as GET /api/v1/position returns it (also the WS position.change data). */
export function positionWire(p: Position, mark: number, now: number): Record<string, unknown> {
  const mult = p.spec.multiplier;
  const open = p.qty !== 0;
  const upnl = unrealisedPnl(p, mark);
  const markValue = p.qty * mult * mark;
  const mmr = maintMarginRate(p);
  const posMaint = Math.abs(markValue) * mmr;
  const realisedPnl = p.realisedGrossPnl - p.fees - p.funding;
  const posCost = p.cost;
  return {
    id: `${p.symbol}-pos`,
    symbol: p.symbol,
    autoDeposit: false,
    crossMode: false,
    maintMarginReq: fix(mmr, 6),
    riskLimit: p.spec.maxLeverage >= 100 ? 100000 : 20000,
    realLeverage: open && p.margin > 0 ? fix(Math.abs(posCost) / p.margin, 4) : 0,
    delevPercentage: 0.1,
    openingTimestamp: p.openingTimestamp,
    currentTimestamp: now,
    currentQty: p.qty,
    currentCost: fix(posCost),
    currentComm: fix(p.fees),
    unrealisedCost: fix(posCost),
    realisedGrossCost: fix(-p.realisedGrossPnl),
    realisedCost: fix(-realisedPnl),
    isOpen: open,
    markPrice: mark,
    markValue: fix(markValue),
    posCost: fix(posCost),
    posCross: 0,
    posCrossMargin: 0,
    posInit: fix(p.margin),
    posComm: 0,
    posCommCommon: 0,
    posLoss: 0,
    posMargin: fix(p.margin),
    posFunding: fix(-p.funding),
    posMaint: fix(posMaint),
    maintMargin: fix(p.margin + upnl),
    realisedGrossPnl: fix(p.realisedGrossPnl),
    realisedPnl: fix(realisedPnl),
    unrealisedPnl: fix(upnl),
    unrealisedPnlPcnt: open ? fix(upnl / Math.abs(posCost), 4) : 0,
    unrealisedRoePcnt: open && p.margin > 0 ? fix(upnl / p.margin, 4) : 0,
    avgEntryPrice: fix(avgEntry(p), decimalsOf(p.spec.tickSize) + 2),
    liquidationPrice: fix(liquidationPrice(p), decimalsOf(p.spec.tickSize) + 2),
    bankruptPrice: fix(bankruptPrice(p), decimalsOf(p.spec.tickSize) + 2),
    settleCurrency: 'USDT',
    isInverse: false,
    maintainMargin: fix(mmr, 6),
    riskLimitLevel: 1,
    marginMode: 'ISOLATED',
    positionSide: 'BOTH',
    leverage: open ? p.leverage : 0,
  };
}

export interface AccountFigures {
  readonly wallet: number;
  readonly unrealised: number;
  readonly positionMargin: number;
  readonly orderMargin: number;
  readonly maintenance: number;
}

export function accountOverviewWire(a: AccountFigures): Record<string, unknown> {
  const available = a.wallet - a.positionMargin - a.orderMargin;
  const equity = a.wallet + a.unrealised;
  return {
    accountEquity: fix(equity),
    unrealisedPNL: fix(a.unrealised),
    marginBalance: fix(a.wallet),
    positionMargin: fix(a.positionMargin),
    orderMargin: fix(a.orderMargin),
    frozenFunds: 0,
    availableBalance: fix(available),
    currency: 'USDT',
    riskRatio: equity > 0 ? fix(a.maintenance / equity, 6) : 1,
    maxWithdrawAmount: fix(Math.max(0, available)),
  };
}

/** Data of a /contractMarket/tradeOrders orderChange push. */
export function orderChangeWire(o: SimOrder, change: OrderChange, spec: ContractSpec): Record<string, unknown> {
  const data: Record<string, unknown> = {
    symbol: o.symbol,
    orderType: o.type,
    side: o.side,
    canceledSize: String(o.canceledSize),
    orderId: o.id,
    marginMode: 'ISOLATED',
    type: change.type,
    orderTime: nanos(o.createdAt),
    size: String(o.size),
    filledSize: String(o.filledSize),
    price: o.price === null ? '' : pxText(spec, o.price),
    remainSize: String(o.status === 'open' ? o.size - o.filledSize : 0),
    status: change.type === 'match' && o.status === 'open' ? 'match' : o.status,
    ts: nanos(change.ts),
    clientOid: o.clientOid,
    tradeType: 'trade',
  };
  if (change.type === 'match') {
    data['matchPrice'] = pxText(spec, change.matchPrice ?? 0);
    data['matchSize'] = String(change.matchSize ?? 0);
    data['tradeId'] = change.tradeId;
    data['liquidity'] = change.liquidity;
  }
  return data;
}
