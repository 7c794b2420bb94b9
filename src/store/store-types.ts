// Vocabulary shared by several stores. Orders and fills speak KuCoin's buy/sell; positions and
// trades speak long/short.

export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const POSITION_SIDES = ['long', 'short'] as const;
export type PositionSide = (typeof POSITION_SIDES)[number];
