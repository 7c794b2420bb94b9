// The positions collector: positions opened and closed, the open count (the exchange's figure wins
// over the bookkeeping), unsettled positions, and realised PnL as wins, losses and a compensated sum.
import { roundMoney } from '../money/round-money.js';
import { type ForeignPositionsReport, type PositionsReport, round } from './health-report.js';

export interface PositionClose {
  readonly symbol: string;
  /** Realised PnL in USDT: > 0 win, < 0 loss, 0 breakeven. */
  readonly pnl: number;
}

export class PositionsCollector {
  private opened = 0;
  private closed = 0;
  private openNow = 0;
  private unsettled = 0;
  private wins = 0;
  private losses = 0;
  private breakeven = 0;
  // Neumaier-compensated sum: 0.05 + -0.02 stays 0.03 (to rounding) over thousands of trades.
  private pnlSum = 0;
  private pnlCompensation = 0;

  recordOpened(): void {
    this.opened += 1;
    this.openNow += 1;
  }

  /** Counts the close; returns false when its pnl is not a finite number (then no PnL is booked). */
  recordClosed(close: PositionClose): boolean {
    this.closed += 1;
    if (this.openNow > 0) this.openNow -= 1;
    const pnl = close.pnl;
    // A NaN must never poison the running total; the trade still counts.
    if (!Number.isFinite(pnl)) return false;
    if (pnl > 0) this.wins += 1;
    else if (pnl < 0) this.losses += 1;
    else this.breakeven += 1;
    const t = this.pnlSum + pnl;
    this.pnlCompensation += Math.abs(this.pnlSum) >= Math.abs(pnl) ? this.pnlSum - t + pnl : pnl - t + this.pnlSum;
    this.pnlSum = t;
    return true;
  }

  /** The exchange's count of open positions; overrides the opened − closed bookkeeping. Returns true when it changed. */
  setOpen(n: number): boolean {
    if (!(Number.isInteger(n) && n >= 0 && n !== this.openNow)) return false;
    this.openNow = n;
    return true;
  }

  /** Positions the exchange shows flat without exit fills. Returns true when the count changed. */
  setUnsettled(n: number): boolean {
    if (!(Number.isInteger(n) && n >= 0 && n !== this.unsettled)) return false;
    this.unsettled = n;
    return true;
  }

  report(equity: number | null, foreign: ForeignPositionsReport): PositionsReport {
    const decided = this.wins + this.losses;
    return {
      opened: this.opened,
      closed: this.closed,
      open: this.openNow,
      unsettled: this.unsettled,
      wins: this.wins,
      losses: this.losses,
      breakeven: this.breakeven,
      win_rate: decided > 0 ? round((this.wins / decided) * 100, 2) : 0,
      total_pnl: roundMoney(this.pnlSum + this.pnlCompensation),
      equity,
      foreign,
    };
  }
}
