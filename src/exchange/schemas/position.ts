// Positions (GET /api/v1/position, /api/v1/positions) and the position-change stream payload.
import { z } from 'zod';
import { finite, optionalFinite, optionalString } from './numeric.js';

export const positionSchema = z.object({
  id: optionalString(),
  symbol: z.string().min(1),
  isOpen: z.boolean(),
  /** Signed size in lots: negative is short. */
  currentQty: finite(),
  avgEntryPrice: finite(),
  markPrice: finite(),
  unrealisedPnl: finite(),
  realisedPnl: finite(),
  liquidationPrice: optionalFinite(),
  bankruptPrice: optionalFinite(),
  leverage: optionalFinite(),
  realLeverage: optionalFinite(),
  posMargin: optionalFinite(),
  maintMargin: optionalFinite(),
  posInit: optionalFinite(),
  unrealisedPnlPcnt: optionalFinite(),
  unrealisedRoePcnt: optionalFinite(),
  openingTimestamp: optionalFinite(),
  currentTimestamp: optionalFinite(),
  settleCurrency: optionalString(),
  marginMode: optionalString(),
  crossMode: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
});
export type Position = z.output<typeof positionSchema>;
export const positionListSchema = z.array(positionSchema);
