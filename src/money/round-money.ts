// Money rounded at the edges: PnL, fees, funding and equity are sums and products of floats, so
// they carry binary noise (-52.22002964000007). Where a person reads them or the journal keeps them
// they are rounded to the settlement currency's precision: the exchange never settles a fraction
// smaller than that, so nothing true is lost. Arithmetic in between keeps full precision.

/** Decimal places each settlement currency is booked in (KuCoin's currency precision). */
export const SETTLEMENT_DECIMALS: Readonly<Record<string, number>> = {
  USDT: 8,
  USDC: 8,
  XBT: 8,
  BTC: 8,
  ETH: 8,
};

/** The settlement currency of every linear contract the bot trades. */
export const DEFAULT_SETTLEMENT_CURRENCY = 'USDT';

export function settlementDecimals(currency: string = DEFAULT_SETTLEMENT_CURRENCY): number {
  return SETTLEMENT_DECIMALS[currency.toUpperCase()] ?? 8;
}

/**
 * `value` rounded to the currency's precision (toFixed: the nearest representable decimal);
 * non-finite values pass through unchanged (callers that must refuse them already validate).
 * -0 becomes 0.
 */
export function roundMoney(value: number, currency: string = DEFAULT_SETTLEMENT_CURRENCY): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return value;
  return Number(value.toFixed(settlementDecimals(currency))) + 0;
}

/** The value as text at the currency's precision, trailing zeros trimmed (`-52.22002964`, `0.0000005`). */
export function formatMoney(value: number, currency: string = DEFAULT_SETTLEMENT_CURRENCY): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) return String(value);
  const text = roundMoney(value, currency).toFixed(settlementDecimals(currency));
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
