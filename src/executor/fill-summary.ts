// Fills of one order, summed: the size-weighted average price and the fees actually charged. This is
// where entry and exit prices come from (never the order's requested price or the ticker).
import type { Fill as ExchangeFill } from '../exchange/schemas/index.js';
import type { FillInput } from '../store/index.js';

export interface FillSummary {
  /** Lots. */
  readonly size: number;
  /** Size-weighted average price; NaN when there are no fills. */
  readonly avgPrice: number;
  /** Sum of fees charged (negative for rebates). */
  readonly fees: number;
  /** Exchange time (ms) of the first and last fill; NaN when none. */
  readonly firstTime: number;
  readonly lastTime: number;
}

export interface PricedFill {
  readonly price: number;
  readonly size: number;
  readonly fee: number;
  readonly time: number;
}

export function summarizeFills(fills: readonly PricedFill[]): FillSummary {
  let size = 0;
  let notional = 0;
  let fees = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  for (const f of fills) {
    size += f.size;
    notional += f.size * f.price;
    fees += f.fee;
    if (!(f.time >= first)) first = f.time;
    if (!(f.time <= last)) last = f.time;
  }
  return { size, avgPrice: size > 0 ? notional / size : Number.NaN, fees, firstTime: first, lastTime: last };
}

/** An exchange fill in the store's vocabulary (time in ms: KuCoin's createdAt; tradeTime is ns). */
export function toFillInput(f: ExchangeFill, clientOid: string | null): FillInput {
  return {
    tradeId: f.tradeId,
    orderId: f.orderId,
    clientOid,
    symbol: f.symbol,
    side: f.side,
    price: f.price,
    size: f.size,
    fee: f.fee,
    feeCurrency: f.feeCurrency,
    liquidity: f.liquidity === 'maker' || f.liquidity === 'taker' ? f.liquidity : null,
    time: Math.trunc(f.createdAt),
  };
}

export function pricedFromExchange(f: ExchangeFill): PricedFill {
  return { price: f.price, size: f.size, fee: f.fee, time: Math.trunc(f.createdAt) };
}
