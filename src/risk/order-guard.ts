// The last gate before an order leaves the executor. Every field an exchange would act on is checked
// against the contract and the configured limits; the first failure is returned with a reason that
// names the field and the offending value. Nothing non-finite, non-positive, off-lot, off-tick or
// oversized passes. Prices and sizes must be EXACT multiples as the exchange will read the decimal
// string (0.1 + 0.2 serialises as "0.30000000000000004"): round with roundToTick / floorToLot first.
//
// Reduce-only orders skip the notional cap: they can only shrink a position, and a position that has
// grown in value since it was opened must still be closable (the same lesson as letting closing
// orders bypass an open circuit breaker).

import type { ContractSpec } from './contract-spec.js';
import { contractProblem } from './contract-spec.js';
import { isCanonicalMultiple } from './step-rounding.js';

export interface GuardedOrder {
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  /** Lots (contracts). */
  size: number;
  /** Limit price; required for limit orders. */
  price?: number;
  /** Trigger price of a stop order. */
  stopPrice?: number;
  /** Mark or last price used to value a market order's notional; required for market orders that are not reduce-only. */
  referencePrice?: number;
  /** Required unless reduceOnly. */
  leverage?: number;
  reduceOnly?: boolean;
}

export interface OrderLimits {
  /** MAX_NOTIONAL: largest size x multiplier x price, settlement currency. */
  maxNotional: number;
  /** Configured leverage ceiling (the contract's maxLeverage applies too). */
  maxLeverage: number;
}

export type GuardField =
  | 'side'
  | 'type'
  | 'size'
  | 'price'
  | 'stopPrice'
  | 'referencePrice'
  | 'leverage'
  | 'notional'
  | 'contract'
  | 'limits';

export type GuardVerdict = { ok: true } | { ok: false; field: GuardField; reason: string };

const fail = (field: GuardField, reason: string): GuardVerdict => ({ ok: false, field, reason });

function isPositiveFinite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function checkPrice(
  field: 'price' | 'stopPrice' | 'referencePrice',
  v: unknown,
  contract: ContractSpec,
  mustBeOnTick: boolean,
): GuardVerdict {
  if (!isPositiveFinite(v)) return fail(field, `${field} must be a positive finite number, got ${String(v)}`);
  if (mustBeOnTick && !isCanonicalMultiple(v, contract.tickSize)) {
    return fail(field, `${field} ${v} is not a multiple of tickSize ${contract.tickSize} (round it with roundToTick)`);
  }
  if (contract.maxPrice !== undefined && v > contract.maxPrice) {
    return fail(field, `${field} ${v} is above the contract maxPrice ${contract.maxPrice}`);
  }
  return { ok: true };
}

export function guardOrder(order: GuardedOrder, contract: ContractSpec, limits: OrderLimits): GuardVerdict {
  const contractIssue = contractProblem(contract);
  if (contractIssue !== undefined) return fail('contract', contractIssue);
  if (typeof limits.maxNotional !== 'number' || Number.isNaN(limits.maxNotional) || limits.maxNotional <= 0) {
    return fail('limits', `limits.maxNotional must be positive, got ${String(limits.maxNotional)}`);
  }
  if (!(Number.isFinite(limits.maxLeverage) && limits.maxLeverage >= 1)) {
    return fail('limits', `limits.maxLeverage must be a finite number >= 1, got ${String(limits.maxLeverage)}`);
  }

  if (order.side !== 'buy' && order.side !== 'sell')
    return fail('side', `side must be 'buy' or 'sell', got ${String(order.side)}`);
  if (order.type !== 'market' && order.type !== 'limit')
    return fail('type', `type must be 'market' or 'limit', got ${String(order.type)}`);

  const { size } = order;
  if (!isPositiveFinite(size)) return fail('size', `size must be a positive finite number, got ${String(size)}`);
  if (!isCanonicalMultiple(size, contract.lotSize))
    return fail('size', `size ${size} is not a multiple of lotSize ${contract.lotSize}`);
  if (size > contract.maxOrderQty)
    return fail('size', `size ${size} is above the contract maxOrderQty ${contract.maxOrderQty}`);

  if (order.type === 'limit' || order.price !== undefined) {
    const v = checkPrice('price', order.price, contract, true);
    if (!v.ok) return v;
  }
  if (order.stopPrice !== undefined) {
    const v = checkPrice('stopPrice', order.stopPrice, contract, true);
    if (!v.ok) return v;
  }

  if (order.referencePrice !== undefined) {
    const v = checkPrice('referencePrice', order.referencePrice, contract, false);
    if (!v.ok) return v;
  }

  const reduceOnly = order.reduceOnly === true;
  if (!reduceOnly || order.leverage !== undefined) {
    const lev = order.leverage;
    const cap = Math.min(contract.maxLeverage, limits.maxLeverage);
    if (typeof lev !== 'number' || !Number.isFinite(lev) || lev < 1) {
      return fail('leverage', `leverage must be a finite number >= 1, got ${String(lev)}`);
    }
    if (lev > cap) {
      return fail(
        'leverage',
        `leverage ${lev} is above the limit ${cap} (contract ${contract.maxLeverage}, config ${limits.maxLeverage})`,
      );
    }
  }

  if (!reduceOnly) {
    // A limit order is valued at its own price; a market order at the reference (mark) price.
    let valuation = order.price;
    if (valuation === undefined) {
      const v = checkPrice('referencePrice', order.referencePrice, contract, false);
      if (!v.ok) return v;
      valuation = order.referencePrice as number;
    }
    const notional = size * contract.multiplier * valuation;
    if (!Number.isFinite(notional) || notional > limits.maxNotional) {
      return fail(
        'notional',
        `notional ${notional} (size ${size} x multiplier ${contract.multiplier} x price ${valuation}) is above maxNotional ${limits.maxNotional}`,
      );
    }
  }
  return { ok: true };
}
