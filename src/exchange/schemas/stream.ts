// WebSocket payloads: the envelope, and the data of the ticker, order-change and position-change topics.
import { z } from 'zod';
import { finite, optionalFinite, optionalString } from './numeric.js';
import { orderSideSchema } from './order.js';

/** Every frame KuCoin's futures socket sends: welcome, ack, pong, error, message. */
export const streamFrameSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  type: z.string(),
  topic: z.string().optional(),
  subject: z.string().optional(),
  data: z.unknown().optional(),
  code: z.union([z.string(), z.number()]).optional(),
});
export type StreamFrame = z.output<typeof streamFrameSchema>;

/** /contractMarket/tickerV2:{symbol}, subject tickerV2. ts in nanoseconds. */
export const streamTickerSchema = z
  .object({
    symbol: z.string().min(1),
    sequence: finite(),
    bestBidPrice: finite(),
    bestBidSize: finite(),
    bestAskPrice: finite(),
    bestAskSize: finite(),
    ts: finite(),
  })
  .transform((t) => ({ ...t, timeMs: Math.floor(t.ts / 1e6) }));
export type StreamTicker = z.output<typeof streamTickerSchema>;

/** /contractMarket/tradeOrders[:{symbol}], subject orderChange. */
export const orderChangeSchema = z.object({
  orderId: z.string().min(1),
  symbol: z.string().min(1),
  /** open | match | filled | canceled | update */
  type: z.string(),
  /** open | match | done */
  status: z.string(),
  side: orderSideSchema,
  orderType: optionalString(),
  price: optionalFinite(),
  size: finite(),
  filledSize: finite(),
  remainSize: optionalFinite(),
  canceledSize: optionalFinite(),
  matchPrice: optionalFinite(),
  matchSize: optionalFinite(),
  tradeId: optionalString(),
  clientOid: optionalString(),
  liquidity: optionalString(),
  orderTime: optionalFinite(),
  ts: finite(),
});
export type OrderChange = z.output<typeof orderChangeSchema>;

/** /contract/position:{symbol}, subject position.change (fields vary with changeReason). */
export const positionChangeSchema = z.object({
  symbol: z.string().min(1),
  currentQty: finite(),
  isOpen: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  avgEntryPrice: optionalFinite(),
  markPrice: optionalFinite(),
  unrealisedPnl: optionalFinite(),
  realisedPnl: optionalFinite(),
  liquidationPrice: optionalFinite(),
  changeReason: optionalString(),
  currentTimestamp: optionalFinite(),
});
export type PositionChange = z.output<typeof positionChangeSchema>;
