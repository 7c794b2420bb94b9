// Daily PnL and the daily loss kill switch work in UTC days, whatever the host's time zone.
import { timestamp } from './validate.js';

/** The UTC calendar day (YYYY-MM-DD) containing `ms`. */
export function utcDay(ms: number): string {
  return new Date(timestamp('time', ms)).toISOString().slice(0, 10);
}
