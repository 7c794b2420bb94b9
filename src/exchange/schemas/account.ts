// Futures account overview (GET /api/v1/account-overview).
import { z } from 'zod';
import { finite, optionalFinite } from './numeric.js';

export const accountOverviewSchema = z.object({
  accountEquity: finite(),
  unrealisedPNL: finite(),
  marginBalance: finite(),
  positionMargin: finite(),
  orderMargin: finite(),
  frozenFunds: finite(),
  availableBalance: finite(),
  currency: z.string().min(1),
  riskRatio: optionalFinite(),
  maxWithdrawAmount: optionalFinite(),
});
export type AccountOverview = z.output<typeof accountOverviewSchema>;
