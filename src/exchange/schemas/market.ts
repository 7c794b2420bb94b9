// Public market data: contracts, ticker, level2 snapshot, klines, server time, funding rate.
import { z } from 'zod';
import { finite, optionalFinite, optionalString } from './numeric.js';

export const contractSchema = z
  .object({
    symbol: z.string().min(1),
    rootSymbol: optionalString(),
    type: z.string(),
    baseCurrency: z.string(),
    quoteCurrency: z.string(),
    settleCurrency: z.string(),
    status: z.string(),
    isInverse: z.boolean(),
    isQuanto: z
      .boolean()
      .nullish()
      .transform((v) => v ?? null),
    multiplier: finite(),
    lotSize: finite(),
    tickSize: finite(),
    indexPriceTickSize: optionalFinite(),
    maxOrderQty: finite(),
    maxPrice: finite(),
    maxLeverage: finite(),
    initialMargin: optionalFinite(),
    maintainMargin: optionalFinite(),
    maxRiskLimit: optionalFinite(),
    minRiskLimit: optionalFinite(),
    riskStep: optionalFinite(),
    makerFeeRate: finite(),
    takerFeeRate: finite(),
    markMethod: optionalString(),
    fundingFeeRate: optionalFinite(),
    predictedFundingFeeRate: optionalFinite(),
    fundingRateGranularity: optionalFinite(),
    nextFundingRateTime: optionalFinite(),
    markPrice: finite(),
    indexPrice: finite(),
    lastTradePrice: finite(),
    openInterest: optionalFinite(),
    volumeOf24h: finite(),
    turnoverOf24h: finite(),
    supportCross: z
      .boolean()
      .nullish()
      .transform((v) => v ?? null),
  })
  .refine((c) => c.multiplier > 0 && c.lotSize > 0 && c.tickSize > 0 && c.maxLeverage > 0, {
    message: 'multiplier, lotSize, tickSize and maxLeverage must be positive',
  });
export type Contract = z.output<typeof contractSchema>;
export const contractListSchema = z.array(contractSchema);

/** ts is in nanoseconds on KuCoin Futures; timeMs is derived for callers that think in ms. */
export const tickerSchema = z
  .object({
    symbol: z.string().min(1),
    sequence: finite(),
    side: optionalString(),
    size: optionalFinite(),
    tradeId: optionalString(),
    price: finite(),
    bestBidPrice: finite(),
    bestBidSize: finite(),
    bestAskPrice: finite(),
    bestAskSize: finite(),
    ts: finite(),
  })
  .transform((t) => ({ ...t, timeMs: Math.floor(t.ts / 1e6) }));
export type Ticker = z.output<typeof tickerSchema>;

const levelSchema = z.tuple([finite(), finite()]).rest(z.unknown());
export const level2Schema = z
  .object({
    symbol: z.string().min(1),
    sequence: finite(),
    bids: z.array(levelSchema),
    asks: z.array(levelSchema),
    ts: finite(),
  })
  .transform((b) => ({
    symbol: b.symbol,
    sequence: b.sequence,
    bids: b.bids.map(([price, size]) => [price, size] as const),
    asks: b.asks.map(([price, size]) => [price, size] as const),
    ts: b.ts,
    timeMs: Math.floor(b.ts / 1e6),
  }));
export type Level2 = z.output<typeof level2Schema>;

/** A kline row is [timeMs, open, high, low, close, volume, ...]; extra columns are ignored. */
const klineSchema = z
  .tuple([finite(), finite(), finite(), finite(), finite(), finite()])
  .rest(z.unknown())
  .transform(([time, open, high, low, close, volume]) => ({ time, open, high, low, close, volume }));
export type Kline = z.output<typeof klineSchema>;
export const klineListSchema = z.array(klineSchema);

export const serverTimeSchema = finite();

export const fundingRateSchema = z.object({
  symbol: z.string().min(1),
  granularity: finite(),
  timePoint: finite(),
  value: finite(),
  predictedValue: optionalFinite(),
  fundingRateCap: optionalFinite(),
  fundingRateFloor: optionalFinite(),
  fundingTime: optionalFinite(),
});
export type FundingRate = z.output<typeof fundingRateSchema>;
