// When a stop order fires: 'down' once the watched price falls to the stop price, 'up' once it
// rises to it. TP watches the last trade price; MP (mark) and IP (index) watch the mark, which this
// venue uses as its index as well.
import type { StopDir, StopPriceType } from './order-request.js';

export interface WatchedPrices {
  readonly last: number;
  readonly mark: number;
}

export function watchedPrice(type: StopPriceType, prices: WatchedPrices): number {
  return type === 'TP' ? prices.last : prices.mark;
}

export function isTriggered(stop: StopDir, stopPrice: number, type: StopPriceType, prices: WatchedPrices): boolean {
  const px = watchedPrice(type, prices);
  return stop === 'down' ? px <= stopPrice : px >= stopPrice;
}
