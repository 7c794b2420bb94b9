// The worst price a take-profit exit accepts. The monitor decides a take-profit on a price it saw;
// the exit reaches the venue a moment later (on a slow machine or in a fast market, much later),
// when the book may be back below the target or even past the entry. A market order would then
// book a loss as a take-profit. So a take-profit goes out as a reduce-only IOC limit at the target:
// it fills at the target or better, or not at all, and an unfilled position stays under its
// exchange stop. Protective exits (stop, trailing, kill switch) stay market orders: they must go.
import { roundToTick } from '../risk/index.js';
import type { Position } from '../store/index.js';

/**
 * The limit price for a take-profit exit of `position`, on the tick and never worse than the target
 * nor the entry (a long sells at or above both, a short buys at or below both: an entry that filled
 * past its target under slippage must not make its take-profit a loss); null when the position has
 * no target or the tick size is unknown (then the exit is a market order, as any other close).
 */
export function takeProfitLimit(
  position: Pick<Position, 'side' | 'entryPrice' | 'takeProfitPrice'>,
  tickSize: number | undefined,
): number | null {
  const target = position.takeProfitPrice;
  if (target === null || !(target > 0) || tickSize === undefined || !(tickSize > 0)) return null;
  return position.side === 'long'
    ? roundToTick(Math.max(target, position.entryPrice), tickSize, 'up')
    : roundToTick(Math.min(target, position.entryPrice), tickSize, 'down');
}
