// Isolated-margin positions and the USDT wallet: every fill, fee, funding payment and liquidation
// goes through here, so the PnL arithmetic lives in one place.
import type { ContractSpec } from './contracts-catalogue.js';

export interface Position {
  readonly symbol: string;
  readonly spec: ContractSpec;
  /** Signed lots: positive long, negative short. */
  qty: number;
  /** Signed entry value in USDT (qty × multiplier × entry price summed over fills). */
  cost: number;
  /** Isolated margin locked in the position. */
  margin: number;
  leverage: number;
  realisedGrossPnl: number;
  /** Fees paid (positive = paid) since the position opened. */
  fees: number;
  /** Funding paid (positive = paid) since the position opened. */
  funding: number;
  openingTimestamp: number;
  currentTimestamp: number;
}

export interface FillEffect {
  /** Lots that reduced an existing position. */
  readonly closedLots: number;
  /** Lots that opened or increased a position. */
  readonly openedLots: number;
  readonly realisedPnl: number;
}

export class Ledger {
  private readonly positions = new Map<string, Position>();
  /** Cash: deposits plus realised PnL minus fees and funding. */
  wallet: number;

  constructor(initialBalance: number) {
    this.wallet = initialBalance;
  }

  position(spec: ContractSpec, now: number): Position {
    let p = this.positions.get(spec.symbol);
    if (!p) {
      p = {
        symbol: spec.symbol,
        spec,
        qty: 0,
        cost: 0,
        margin: 0,
        leverage: 1,
        realisedGrossPnl: 0,
        fees: 0,
        funding: 0,
        openingTimestamp: now,
        currentTimestamp: now,
      };
      this.positions.set(spec.symbol, p);
    }
    return p;
  }

  find(symbol: string): Position | undefined {
    return this.positions.get(symbol);
  }

  open(): Position[] {
    return [...this.positions.values()].filter((p) => p.qty !== 0);
  }

  all(): Position[] {
    return [...this.positions.values()];
  }

  /**
   * Applies one fill. Reducing realises (exit − entry) × closed lots × multiplier and releases the
   * matching share of margin; any excess opens the other way at the same price with `leverage`.
   */
  applyFill(
    p: Position,
    side: 'buy' | 'sell',
    lots: number,
    price: number,
    fee: number,
    leverage: number,
    now: number,
  ): FillEffect {
    const mult = p.spec.multiplier;
    const dir = side === 'buy' ? 1 : -1;
    let closedLots = 0;
    let realised = 0;
    if (p.qty !== 0 && Math.sign(p.qty) !== dir) {
      closedLots = Math.min(lots, Math.abs(p.qty));
      const entry = avgEntry(p);
      realised = closedLots * mult * (price - entry) * Math.sign(p.qty);
      const frac = closedLots / Math.abs(p.qty);
      p.margin -= p.margin * frac;
      p.cost -= p.cost * frac;
      p.qty += dir * closedLots;
      p.realisedGrossPnl += realised;
      this.wallet += realised;
      if (p.qty === 0) {
        p.cost = 0;
        p.margin = 0;
      }
    }
    const openedLots = lots - closedLots;
    if (openedLots > 0) {
      if (p.qty === 0) {
        // A fresh position: its history starts here.
        p.openingTimestamp = now;
        p.realisedGrossPnl = closedLots > 0 ? p.realisedGrossPnl : 0;
        p.fees = closedLots > 0 ? p.fees : 0;
        p.funding = 0;
        p.leverage = leverage;
      }
      p.qty += dir * openedLots;
      p.cost += dir * openedLots * mult * price;
      p.margin += (openedLots * mult * price) / leverage;
    }
    p.fees += fee;
    this.wallet -= fee;
    p.currentTimestamp = now;
    return { closedLots, openedLots, realisedPnl: realised };
  }

  /** Funding: longs pay `rate` × position value when the rate is positive. Returns what was paid. */
  applyFunding(p: Position, mark: number, rate: number, now: number): number {
    const paid = p.qty * p.spec.multiplier * mark * rate;
    p.funding += paid;
    this.wallet -= paid;
    p.currentTimestamp = now;
    return paid;
  }

  /** Closes the position at its bankruptcy price: the whole isolated margin is lost. */
  liquidate(p: Position, now: number): { lots: number; price: number; loss: number } {
    const lots = Math.abs(p.qty);
    const price = bankruptPrice(p);
    const loss = p.margin;
    p.realisedGrossPnl -= loss;
    this.wallet -= loss;
    p.qty = 0;
    p.cost = 0;
    p.margin = 0;
    p.currentTimestamp = now;
    return { lots, price, loss };
  }
}

export function avgEntry(p: Position): number {
  return p.qty === 0 ? 0 : p.cost / (p.qty * p.spec.multiplier);
}

export function unrealisedPnl(p: Position, mark: number): number {
  return p.qty === 0 ? 0 : p.qty * p.spec.multiplier * mark - p.cost;
}

export function maintMarginRate(p: Position): number {
  return 1 / p.spec.maxLeverage / 2;
}

/**
 * Mark price at which margin + unrealised PnL falls to the maintenance margin:
 * long  m = (q·e − M) / (q·(1 − mmr)); short m = (q·e + M) / (q·(1 + mmr)), q = |lots| × multiplier.
 */
export function liquidationPrice(p: Position): number {
  if (p.qty === 0) return 0;
  const q = Math.abs(p.qty) * p.spec.multiplier;
  const e = avgEntry(p);
  const mmr = maintMarginRate(p);
  const m = p.qty > 0 ? (q * e - p.margin) / (q * (1 - mmr)) : (q * e + p.margin) / (q * (1 + mmr));
  return Math.max(0, m);
}

/** Price at which the isolated margin is exactly used up. */
export function bankruptPrice(p: Position): number {
  if (p.qty === 0) return 0;
  const q = Math.abs(p.qty) * p.spec.multiplier;
  const e = avgEntry(p);
  return Math.max(0, p.qty > 0 ? e - p.margin / q : e + p.margin / q);
}
