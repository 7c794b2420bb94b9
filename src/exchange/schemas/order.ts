// Orders, stop orders, cancels and fills (futures order endpoints).
import { z } from 'zod';
import { finite, idString, optionalFinite, optionalString } from './numeric.js';

export const orderSideSchema = z.enum(['buy', 'sell']);

export const orderSchema = z.object({
  id: idString(),
  symbol: z.string().min(1),
  type: z.string(),
  side: orderSideSchema,
  /** "0" or null on market orders. */
  price: optionalFinite(),
  size: finite(),
  value: optionalFinite(),
  dealValue: optionalFinite(),
  dealSize: optionalFinite(),
  stop: optionalString(),
  stopPriceType: optionalString(),
  stopTriggered: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  stopPrice: optionalFinite(),
  timeInForce: optionalString(),
  leverage: optionalFinite(),
  closeOrder: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  reduceOnly: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  clientOid: optionalString(),
  isActive: z.boolean(),
  cancelExist: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  status: z.string(),
  filledSize: finite(),
  filledValue: finite(),
  avgDealPrice: optionalFinite(),
  createdAt: finite(),
  updatedAt: optionalFinite(),
  endAt: optionalFinite(),
  settleCurrency: optionalString(),
  marginMode: optionalString(),
});
export type Order = z.output<typeof orderSchema>;

function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    currentPage: finite(),
    pageSize: finite(),
    totalNum: finite(),
    totalPage: finite(),
    items: z.array(item),
  });
}
export const orderPageSchema = pageSchema(orderSchema);
export type OrderPage = z.output<typeof orderPageSchema>;

export const placedOrderSchema = z.object({
  orderId: idString(),
  clientOid: optionalString(),
});
export type PlacedOrder = z.output<typeof placedOrderSchema>;

export const cancelByIdSchema = z.object({ cancelledOrderIds: z.array(idString()) });
export type CancelById = z.output<typeof cancelByIdSchema>;

export const cancelByClientOidSchema = z.object({ clientOid: z.string().min(1) });
export type CancelByClientOid = z.output<typeof cancelByClientOidSchema>;

const fillSchema = z.object({
  symbol: z.string().min(1),
  tradeId: idString(),
  orderId: idString(),
  side: orderSideSchema,
  liquidity: optionalString(),
  price: finite(),
  size: finite(),
  value: finite(),
  fee: finite(),
  feeRate: optionalFinite(),
  feeCurrency: optionalString(),
  orderType: optionalString(),
  tradeType: optionalString(),
  /** Nanoseconds. */
  tradeTime: finite(),
  createdAt: finite(),
  settleCurrency: optionalString(),
});
export type Fill = z.output<typeof fillSchema>;
export const fillPageSchema = pageSchema(fillSchema);
export type FillPage = z.output<typeof fillPageSchema>;
