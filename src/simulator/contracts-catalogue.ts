// The simulated venue's USDT-margined perpetuals. Values are plausible KuCoin-like figures; the
// base price seeds each price path and the 24h turnover spreads contracts across a scanner's floor.

export interface ContractSpec {
  /** KuCoin base currency code (XBT for bitcoin, as KuCoin names it). */
  readonly base: string;
  readonly symbol: string;
  /** Price around which the seeded path wanders. */
  readonly basePrice: number;
  /** Base-currency amount per lot. */
  readonly multiplier: number;
  readonly tickSize: number;
  readonly maxLeverage: number;
  /** Typical daily log-return volatility (0.03 = 3 %). */
  readonly dailyVol: number;
  /** Typical 24h turnover in USDT. */
  readonly turnover24h: number;
}

type Row = readonly [
  base: string,
  price: number,
  multiplier: number,
  tick: number,
  maxLev: number,
  vol: number,
  turnover: number,
];

const ROWS: readonly Row[] = [
  ['XBT', 65000, 0.001, 0.1, 125, 0.025, 1.2e9],
  ['ETH', 3400, 0.01, 0.01, 100, 0.032, 6.0e8],
  ['SOL', 150, 0.1, 0.001, 75, 0.045, 2.5e8],
  ['BNB', 580, 0.01, 0.01, 75, 0.03, 6.0e7],
  ['XRP', 0.52, 10, 0.0001, 75, 0.04, 1.5e8],
  ['DOGE', 0.12, 100, 0.00001, 75, 0.05, 1.2e8],
  ['ADA', 0.45, 10, 0.00001, 75, 0.045, 4.0e7],
  ['AVAX', 28, 0.1, 0.001, 75, 0.05, 3.5e7],
  ['LINK', 14, 0.1, 0.001, 75, 0.048, 3.0e7],
  ['DOT', 6.5, 1, 0.001, 75, 0.045, 2.0e7],
  ['POL', 0.5, 10, 0.0001, 75, 0.05, 1.2e7],
  ['LTC', 80, 0.1, 0.01, 75, 0.04, 2.5e7],
  ['BCH', 380, 0.01, 0.05, 75, 0.042, 2.0e7],
  ['TRX', 0.12, 100, 0.00001, 75, 0.03, 1.5e7],
  ['ATOM', 7, 0.1, 0.001, 75, 0.048, 1.0e7],
  ['NEAR', 5, 0.1, 0.001, 75, 0.055, 2.2e7],
  ['APT', 8, 0.1, 0.001, 75, 0.055, 1.8e7],
  ['ARB', 0.8, 1, 0.0001, 75, 0.055, 2.0e7],
  ['OP', 1.8, 1, 0.0001, 75, 0.055, 1.6e7],
  ['FIL', 4.5, 0.1, 0.001, 75, 0.05, 9.0e6],
  ['ETC', 22, 0.1, 0.001, 75, 0.045, 1.1e7],
  ['UNI', 8, 1, 0.001, 75, 0.05, 1.0e7],
  ['AAVE', 140, 0.01, 0.01, 75, 0.05, 1.4e7],
  ['INJ', 22, 0.1, 0.001, 75, 0.06, 1.3e7],
  ['SUI', 1.2, 1, 0.0001, 75, 0.06, 4.0e7],
  ['SEI', 0.4, 10, 0.0001, 75, 0.065, 9.0e6],
  ['TIA', 6, 0.1, 0.001, 75, 0.065, 1.0e7],
  ['WIF', 2, 1, 0.0001, 75, 0.08, 5.0e7],
  ['SHIB', 0.00002, 100000, 0.000000001, 75, 0.05, 1.5e7],
  ['FTM', 0.7, 1, 0.0001, 75, 0.06, 1.2e7],
  ['SAND', 0.35, 10, 0.00001, 50, 0.055, 5.0e6],
  ['MANA', 0.4, 10, 0.0001, 50, 0.055, 4.0e6],
  ['AXS', 6, 0.1, 0.001, 50, 0.055, 3.0e6],
  ['GALA', 0.03, 100, 0.00001, 50, 0.06, 6.0e6],
  ['APE', 1.1, 1, 0.0001, 50, 0.06, 5.0e6],
  ['CRV', 0.35, 10, 0.0001, 50, 0.06, 7.0e6],
  ['LDO', 1.9, 1, 0.0001, 50, 0.055, 6.0e6],
  ['RUNE', 4.5, 0.1, 0.001, 50, 0.06, 8.0e6],
  ['ALGO', 0.18, 10, 0.00001, 50, 0.045, 3.0e6],
  ['XLM', 0.1, 100, 0.00001, 50, 0.035, 4.0e6],
  ['VET', 0.03, 100, 0.000001, 50, 0.045, 2.5e6],
  ['HBAR', 0.08, 100, 0.00001, 50, 0.05, 5.0e6],
  ['ICP', 9, 0.1, 0.001, 50, 0.055, 6.0e6],
  ['EOS', 0.7, 1, 0.0001, 50, 0.045, 2.0e6],
  ['XTZ', 0.8, 1, 0.0001, 50, 0.045, 1.2e6],
  ['THETA', 1.5, 1, 0.0001, 50, 0.05, 1.5e6],
  ['EGLD', 30, 0.01, 0.01, 50, 0.05, 1.8e6],
  ['FLOW', 0.6, 1, 0.0001, 50, 0.05, 1.0e6],
  ['KAVA', 0.45, 10, 0.0001, 50, 0.05, 8.0e5],
  ['GRT', 0.2, 10, 0.00001, 50, 0.055, 3.0e6],
  ['IMX', 1.6, 1, 0.0001, 50, 0.055, 3.5e6],
  ['RENDER', 7, 0.1, 0.001, 50, 0.06, 9.0e6],
  ['STX', 1.8, 1, 0.0001, 50, 0.06, 4.0e6],
  ['ORDI', 35, 0.01, 0.001, 50, 0.07, 1.5e7],
  ['JUP', 0.9, 1, 0.0001, 50, 0.06, 8.0e6],
  ['ENA', 0.6, 1, 0.0001, 50, 0.07, 2.0e7],
  ['TON', 6.5, 0.1, 0.001, 50, 0.045, 1.2e7],
  ['WLD', 2.2, 1, 0.0001, 50, 0.07, 1.6e7],
  ['DYDX', 1.5, 1, 0.0001, 50, 0.06, 5.0e6],
  ['SNX', 2, 1, 0.0001, 50, 0.055, 2.0e6],
  ['COMP', 50, 0.01, 0.01, 50, 0.05, 1.5e6],
  ['ZEC', 30, 0.01, 0.01, 50, 0.05, 1.2e6],
  ['KSM', 25, 0.01, 0.01, 50, 0.055, 7.0e5],
  ['NEO', 11, 0.1, 0.001, 50, 0.05, 9.0e5],
  ['BLUR', 0.25, 10, 0.00001, 50, 0.065, 2.0e6],
  ['PYTH', 0.35, 10, 0.00001, 50, 0.065, 4.0e6],
];

export const ALL_CONTRACTS: readonly ContractSpec[] = ROWS.map(
  ([base, basePrice, multiplier, tickSize, maxLeverage, dailyVol, turnover24h]) => ({
    base,
    symbol: `${base}USDTM`,
    basePrice,
    multiplier,
    tickSize,
    maxLeverage,
    dailyVol,
    turnover24h,
  }),
);

/** The first `count` contracts (XBT first), at least one. */
export function selectContracts(count: number): readonly ContractSpec[] {
  if (!Number.isInteger(count) || count < 1 || count > ALL_CONTRACTS.length) {
    throw new Error(`contracts: count must be an integer in 1..${ALL_CONTRACTS.length}, got ${count}`);
  }
  return ALL_CONTRACTS.slice(0, count);
}

/** Decimal places of a tick size such as 0.001 or 1e-9. */
export function decimalsOf(step: number): number {
  if (step >= 1) return 0;
  return Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
}

/** Rounds to a multiple of `step` without binary-float residue. */
export function roundToStep(value: number, step: number, mode: 'round' | 'floor' | 'ceil' = 'round'): number {
  const n = value / step;
  const k = mode === 'floor' ? Math.floor(n + 1e-9) : mode === 'ceil' ? Math.ceil(n - 1e-9) : Math.round(n);
  return Number((k * step).toFixed(decimalsOf(step)));
}
