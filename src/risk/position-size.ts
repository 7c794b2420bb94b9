// How many lots to open so that being stopped out loses about `riskPerTrade` of equity:
//
//   loss per lot at the stop = |entry - stop| x multiplier            (quote currency, e.g. USDT)
//   risk lots     = equity x riskPerTrade / loss per lot
//   margin lots   = equity x leverage / (entry x multiplier)           (what the margin can carry)
//   available lots = availableMargin / (entry x multiplier x (1 / leverage + takerFeeRate) x (1 + buffer))
//                   (what the account can still pay for: equity already locked as margin by open
//                    positions cannot back a new one, so sizing by equity alone made the exchange
//                    refuse entries with 300003 once several positions were open)
//   notional lots = maxNotional / (entry x multiplier)
//   lots          = min(risk, margin, notional, maxOrderQty) rounded DOWN to a multiple of lotSize
//
// Rounding down means the realised loss at the stop is at most the budget (fees and slippage aside).

import { contractProblem, type ContractSpec } from './contract-spec.js';
import { effectiveLeverage } from './effective-leverage.js';
import { floorToLot } from './step-rounding.js';

export interface PositionSizeInput {
  /** Account equity in the settlement currency. */
  equity: number;
  /** Fraction of equity to lose at the stop, e.g. 0.01 for 1 %. */
  riskPerTrade: number;
  entryPrice: number;
  stopPrice: number;
  contract: ContractSpec;
  /** Configured leverage; capped by contract.maxLeverage. */
  leverage: number;
  /** Largest notional (size x multiplier x price) one position may have; Infinity for no cap. */
  maxNotional: number;
  /**
   * The account's availableBalance (account overview): margin not yet locked by positions or
   * orders. Omitted: no cap from it (pure risk sizing, backtests).
   */
  availableMargin?: number;
  /** Fee the exchange reserves with the margin of a market order; default 0.0006 (KuCoin taker). */
  takerFeeRate?: number;
}

/** Headroom for the fill price moving between the ticker read and the fill, and for rounding. */
export const AVAILABLE_MARGIN_BUFFER = 0.02;
const DEFAULT_TAKER_FEE_RATE = 0.0006;

export type SizeLimit = 'risk' | 'margin' | 'available' | 'maxNotional' | 'maxOrderQty';

export interface PositionSize {
  /** Lots to order: a multiple of lotSize, or 0 when the trade is impossible. */
  lots: number;
  /** Which cap decided the size (absent when the input was invalid). */
  limitedBy?: SizeLimit;
  /** Loss at the stop for `lots`, in the settlement currency. */
  lossAtStop: number;
  /** lots x multiplier x entry. */
  notional: number;
  leverage: number;
  /** Set whenever lots is 0. */
  reason?: string;
}

function positive(name: string, v: number): string | undefined {
  return Number.isFinite(v) && v > 0 ? undefined : `${name} must be a positive finite number, got ${v}`;
}

export function positionSize(input: PositionSizeInput): PositionSize {
  const { equity, riskPerTrade, entryPrice, stopPrice, contract, leverage, maxNotional } = input;
  const zero = (reason: string, lev = Number.NaN): PositionSize => ({
    lots: 0,
    lossAtStop: 0,
    notional: 0,
    leverage: lev,
    reason,
  });

  const problem =
    positive('equity', equity) ??
    (Number.isFinite(riskPerTrade) && riskPerTrade > 0 && riskPerTrade <= 1
      ? undefined
      : `riskPerTrade must be a fraction in (0, 1], got ${riskPerTrade}`) ??
    positive('entryPrice', entryPrice) ??
    positive('stopPrice', stopPrice) ??
    contractProblem(contract) ??
    (Number.isFinite(leverage) && leverage >= 1
      ? undefined
      : `leverage must be a finite number >= 1, got ${leverage}`) ??
    (!Number.isNaN(maxNotional) && maxNotional > 0 ? undefined : `maxNotional must be positive, got ${maxNotional}`) ??
    (input.availableMargin === undefined || Number.isFinite(input.availableMargin)
      ? undefined
      : `availableMargin must be a finite number, got ${input.availableMargin}`) ??
    (input.takerFeeRate === undefined || (Number.isFinite(input.takerFeeRate) && input.takerFeeRate >= 0)
      ? undefined
      : `takerFeeRate must be a finite number >= 0, got ${input.takerFeeRate}`);
  if (problem !== undefined) return zero(problem);
  if (entryPrice === stopPrice) return zero(`stop ${stopPrice} equals entry: the stop distance is zero`);

  const lev = effectiveLeverage(leverage, contract.maxLeverage);
  const unitValue = entryPrice * contract.multiplier;
  const lossPerLot = Math.abs(entryPrice - stopPrice) * contract.multiplier;
  const budget = equity * riskPerTrade;
  const caps: Array<[SizeLimit, number]> = [
    ['risk', budget / lossPerLot],
    ['margin', (equity * lev) / unitValue],
    ...(input.availableMargin === undefined
      ? []
      : [
          [
            'available',
            Math.max(0, input.availableMargin) /
              (unitValue * (1 / lev + (input.takerFeeRate ?? DEFAULT_TAKER_FEE_RATE)) * (1 + AVAILABLE_MARGIN_BUFFER)),
          ] as [SizeLimit, number],
        ]),
    ['maxNotional', maxNotional / unitValue],
    ['maxOrderQty', contract.maxOrderQty],
  ];
  // First smallest wins, so an exact tie reports the earlier (more fundamental) cap.
  let [limitedBy, raw] = caps[0] as [SizeLimit, number];
  for (const [name, value] of caps) {
    if (value < raw) {
      limitedBy = name;
      raw = value;
    }
  }

  const lots = floorToLot(raw, contract.lotSize);
  if (lots <= 0) {
    return {
      ...zero(
        `${limitedBy} allows ${raw.toPrecision(6)} lots, less than one lotSize of ${contract.lotSize}` +
          (limitedBy === 'risk' ? ` (budget ${budget} / loss per lot ${lossPerLot})` : ''),
        lev,
      ),
      limitedBy,
    };
  }
  return { lots, limitedBy, lossAtStop: lots * lossPerLot, notional: lots * unitValue, leverage: lev };
}
