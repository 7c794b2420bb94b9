// Daily loss kill switch. The limit is a FRACTION of the equity at the start of the UTC day
// (0.05 = stop opening positions after losing 5 % today), so it scales with the account and means
// the same thing in paper and live mode. The loss is start-of-day equity minus equity NOW, both
// from the exchange's account overview: realised and unrealised PnL, fees and funding all move
// equity, so none can be missed or invented (the journal's realised sum once booked closes that
// never happened and left fees out). Reaching the limit exactly trips it.

import { formatMoney } from '../money/round-money.js';
import { utcDayStart } from './utc-day.js';

export interface DailyLossInput {
  /** Account equity at the start of the UTC day (the day's first reading), settlement currency. */
  startOfDayEquity: number;
  /** Account equity now, from the exchange's account overview. */
  currentEquity: number;
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
  const { startOfDayEquity, currentEquity, dailyLossLimit } = input;
  // Garbage in means we cannot know the loss: fail closed (tripped), never open.
  const bad = !(Number.isFinite(currentEquity) && currentEquity >= 0) ? `currentEquity ${currentEquity}`
    : !(Number.isFinite(startOfDayEquity) && startOfDayEquity > 0) ? `startOfDayEquity ${startOfDayEquity}`
    : !(Number.isFinite(dailyLossLimit) && dailyLossLimit > 0 && dailyLossLimit <= 1) ? `dailyLossLimit ${dailyLossLimit}`
    : undefined;
  if (bad !== undefined) {
    return { tripped: true, lossToday: Number.NaN, limitAmount: Number.NaN, reason: `kill switch fails closed on invalid input: ${bad}` };
  }
  const lossToday = Math.max(0, startOfDayEquity - currentEquity);
  const limitAmount = startOfDayEquity * dailyLossLimit;
  if (lossToday >= limitAmount) {
    return {
      tripped: true,
      lossToday,
      limitAmount,
      reason: `daily loss ${formatMoney(lossToday)} reached the limit ${formatMoney(limitAmount)} (${formatMoney(dailyLossLimit * 100)} % of start-of-day equity ${formatMoney(startOfDayEquity)}; equity now ${formatMoney(currentEquity)})`,
    };
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
  /** The last equity fed in. */
  equity: number;
  reason?: string;
}

/**
 * Stateful wrapper: remembers the day's first equity, latches once tripped (a recovering equity
 * does not re-open trading the same day), and resets at UTC midnight.
 */
export class DailyLossKillSwitch {
  readonly #limit: number;
  readonly #now: () => number;
  #day = Number.NaN;
  #startOfDayEquity = Number.NaN;
  #equity = Number.NaN;
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
   * Feed the current account equity (the first valid reading of each UTC day is that day's start
   * equity); returns the state after the check.
   */
  update(equity: number): KillSwitchState {
    this.#rollDay(equity);
    this.#equity = equity;
    if (!this.#active) {
      const check = checkDailyLoss({ startOfDayEquity: this.#startOfDayEquity, currentEquity: equity, dailyLossLimit: this.#limit });
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

  /** True while tripped today; a new UTC day clears it on the next update. */
  isActive(): boolean {
    return this.#active && this.#day === utcDayStart(this.#now());
  }

  state(): KillSwitchState {
    const s: KillSwitchState = { active: this.isActive(), day: this.#day, startOfDayEquity: this.#startOfDayEquity, equity: this.#equity };
    if (s.active && this.#reason !== undefined) s.reason = this.#reason;
    return s;
  }

  #rollDay(equity: number): void {
    const day = utcDayStart(this.#now());
    const usable = Number.isFinite(equity) && equity > 0;
    if (day !== this.#day) {
      this.#day = day;
      this.#startOfDayEquity = usable ? equity : Number.NaN;
      this.#active = false;
      this.#reason = undefined;
    } else if (Number.isNaN(this.#startOfDayEquity) && usable) {
      // The day's first reading was unusable: the first good one is the baseline.
      this.#startOfDayEquity = equity;
    }
  }
}
