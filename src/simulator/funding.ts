// Funding settles every 8 h of simulated time (00:00, 08:00, 16:00 UTC, as on KuCoin).
import { FUNDING_INTERVAL_MS } from './market-data.js';

/** Funding instants in (from, to], oldest first. */
export function fundingTimesBetween(from: number, to: number): number[] {
  const out: number[] = [];
  let t = (Math.floor(from / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS;
  for (; t <= to; t += FUNDING_INTERVAL_MS) out.push(t);
  return out;
}

/** The 8 h period index whose rate settles at funding instant `t`. */
export function periodSettledAt(t: number): number {
  return t / FUNDING_INTERVAL_MS - 1;
}
