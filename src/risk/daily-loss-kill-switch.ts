// Daily loss kill switch. The limit is a FRACTION of the equity at the start of the UTC day
// (0.05 = stop opening positions after losing 5 % today), so it scales with the account and means
// the same thing in paper and live mode. Loss counts realised PnL today plus open (unrealised) PnL:
// a position deep under water is a loss already. Reaching the limit exactly trips it.

import { utcDayStart } from './utc-day.js';

export interface DailyLossInput {
  /** Realised PnL since UTC midnight (negative = loss), settlement currency. */
  realisedToday: number;
  /** PnL of open positions now; defaults to 0. */
  unrealised?: number;
  startOfDayEquity: number;
  /** Fraction of startOfDayEquity, in (0, 1]. */
  dailyLossLimit: number;
}

export interface DailyLossCheck {
  tripped: boolean;
  /** Loss so far today as a positive number (0 when in profit). */
  lossToday: number;
  /** startOfDayEquity x dailyLossLimit. */
  limitAmount: number;
  reason?: string;
}

export function checkDailyLoss(input: DailyLossInput): DailyLossCheck {
  const { realisedToday, startOfDayEquity, dailyLossLimit } = input;
  const unrealised = input.unrealised ?? 0;
  // Garbage in means we cannot know the loss: fail closed (tripped), never open.
  const bad = !Number.isFinite(realisedToday) ? `realisedToday ${realisedToday}`
    : !Number.isFinite(unrealised) ? `unrealised ${unrealised}`
    : !(Number.isFinite(startOfDayEquity) && startOfDayEquity > 0) ? `startOfDayEquity ${startOfDayEquity}`
    : !(Number.isFinite(dailyLossLimit) && dailyLossLimit > 0 && dailyLossLimit <= 1) ? `dailyLossLimit ${dailyLossLimit}`
    : undefined;
  if (bad !== undefined) {
    return { tripped: true, lossToday: Number.NaN, limitAmount: Number.NaN, reason: `kill switch fails closed on invalid input: ${bad}` };
  }
  const lossToday = Math.max(0, -(realisedToday + unrealised));
  const limitAmount = startOfDayEquity * dailyLossLimit;
  if (lossToday >= limitAmount) {
    return { tripped: true, lossToday, limitAmount, reason: `daily loss ${lossToday} reached the limit ${limitAmount} (${dailyLossLimit * 100} % of ${startOfDayEquity})` };
  }
  return { tripped: false, lossToday, limitAmount };
}

export function isKillSwitchTripped(input: DailyLossInput): boolean {
  return checkDailyLoss(input).tripped;
}

export interface DailyLossKillSwitchOptions {
  dailyLossLimit: number;
  /** Epoch ms; injected so tests and the simulator control the day boundary. */
  now: () => number;
}

export interface KillSwitchState {
  active: boolean;
  /** UTC midnight (epoch ms) of the day the state belongs to. */
  day: number;
  startOfDayEquity: number;
  realisedToday: number;
  reason?: string;
}

/**
 * Stateful wrapper: remembers start-of-day equity and realised PnL, latches once tripped (a
 * recovering unrealised PnL does not re-open trading the same day), and resets at UTC midnight.
 */
export class DailyLossKillSwitch {
  readonly #limit: number;
  readonly #now: () => number;
  #day = Number.NaN;
  #startOfDayEquity = Number.NaN;
  #realised = 0;
  #active = false;
  #reason: string | undefined;

  constructor(opts: DailyLossKillSwitchOptions) {
    if (!(Number.isFinite(opts.dailyLossLimit) && opts.dailyLossLimit > 0 && opts.dailyLossLimit <= 1)) {
      throw new RangeError(`dailyLossLimit must be a fraction in (0, 1], got ${opts.dailyLossLimit}`);
    }
    this.#limit = opts.dailyLossLimit;
    this.#now = opts.now;
  }

  /**
   * Feed the current total equity (used as the start-of-day equity at the first update of each
   * UTC day) and the PnL of open positions; returns the state after the check.
   */
  update(equity: number, unrealised = 0): KillSwitchState {
    this.#rollDay(equity);
    if (!this.#active) {
      const check = checkDailyLoss({
        realisedToday: this.#realised, unrealised, startOfDayEquity: this.#startOfDayEquity, dailyLossLimit: this.#limit,
      });
      if (check.tripped && Number.isFinite(check.lossToday)) {
        this.#active = true;
        this.#reason = check.reason;
      } else if (check.tripped) {
        // Invalid input blocks this call (fail closed) but does not latch the whole day.
        const s: KillSwitchState = { ...this.state(), active: true };
        if (check.reason !== undefined) s.reason = check.reason;
        return s;
      }
    }
    return this.state();
  }

  /** Adds a closed trade's PnL (negative = loss) to today's total. */
  recordRealised(pnl: number): void {
    if (!Number.isFinite(pnl)) throw new RangeError(`realised PnL must be finite, got ${pnl}`);
    this.#rollDay(Number.NaN);
    this.#realised += pnl;
  }

  /** True while tripped today; a new UTC day clears it on the next update. */
  isActive(): boolean {
    return this.#active && this.#day === utcDayStart(this.#now());
  }

  state(): KillSwitchState {
    const s: KillSwitchState = {
      active: this.isActive(), day: this.#day, startOfDayEquity: this.#startOfDayEquity, realisedToday: this.#realised,
    };
    if (s.active && this.#reason !== undefined) s.reason = this.#reason;
    return s;
  }

  #rollDay(equity: number): void {
    const day = utcDayStart(this.#now());
    if (day !== this.#day) {
      this.#day = day;
      this.#startOfDayEquity = equity;
      this.#realised = 0;
      this.#active = false;
      this.#reason = undefined;
    } else if (Number.isNaN(this.#startOfDayEquity) && !Number.isNaN(equity)) {
      // The day began with a realised PnL record before any equity was known.
      this.#startOfDayEquity = equity;
    }
  }
}
