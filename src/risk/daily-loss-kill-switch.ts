// Daily loss kill switch. The limit is a FRACTION of the equity at the start of the UTC day
// (0.05 = stop opening positions after losing 5 % today), so it scales with the account and means
// the same thing in paper and live mode. The loss is start-of-day equity minus equity NOW, both
// from the exchange's account overview: realised and unrealised PnL, fees and funding all move
// equity, so none can be missed or invented (the journal's realised sum once booked closes that
// never happened and left fees out). Reaching the limit exactly trips it.
// The executor's EntryFlow.killSwitch applies this rule with the journal's start-of-day equity and
// latches a trip for the rest of the UTC day (across restarts, from the journal's alerts).

import { formatMoney } from '../money/round-money.js';

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
  const bad = !(Number.isFinite(currentEquity) && currentEquity >= 0)
    ? `currentEquity ${currentEquity}`
    : !(Number.isFinite(startOfDayEquity) && startOfDayEquity > 0)
      ? `startOfDayEquity ${startOfDayEquity}`
      : !(Number.isFinite(dailyLossLimit) && dailyLossLimit > 0 && dailyLossLimit <= 1)
        ? `dailyLossLimit ${dailyLossLimit}`
        : undefined;
  if (bad !== undefined) {
    return {
      tripped: true,
      lossToday: Number.NaN,
      limitAmount: Number.NaN,
      reason: `kill switch fails closed on invalid input: ${bad}`,
    };
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
