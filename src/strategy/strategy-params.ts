// Strategy tuning knobs with their defaults; a partial override is filled and checked once.

export interface StrategyParams {
  rsiPeriod: number;
  macdFast: number;
  macdSlow: number;
  macdSignal: number;
  bbPeriod: number;
  bbStdDev: number;
  stochPeriod: number;
  stochSignal: number;
  atrPeriod: number;
  volumeSmaPeriod: number;
  /** Stop distance in ATRs from the entry. */
  atrStopMultiplier: number;
  /** Take-profit distance as a multiple of the stop distance (R multiple). */
  rewardRisk: number;
  /** Fewer candles than this: no signal. */
  minCandles: number;
  /** |MACD line| / ATR below this counts as "no trend": no signal (see score-signal.ts). */
  minTrendStrength: number;
}

export const DEFAULT_STRATEGY_PARAMS: Readonly<StrategyParams> = Object.freeze({
  rsiPeriod: 14,
  macdFast: 12,
  macdSlow: 26,
  macdSignal: 9,
  bbPeriod: 20,
  bbStdDev: 2,
  stochPeriod: 14,
  stochSignal: 3,
  atrPeriod: 14,
  volumeSmaPeriod: 20,
  atrStopMultiplier: 2,
  rewardRisk: 2,
  minCandles: 60,
  minTrendStrength: 0.2,
});

const INTEGER_FIELDS: ReadonlyArray<keyof StrategyParams> = [
  'rsiPeriod',
  'macdFast',
  'macdSlow',
  'macdSignal',
  'bbPeriod',
  'stochPeriod',
  'stochSignal',
  'atrPeriod',
  'volumeSmaPeriod',
  'minCandles',
];

/**
 * Fills defaults and validates. Throws with the field name: bad parameters are a programming or
 * configuration error, not a market condition.
 */
export function resolveStrategyParams(overrides: Partial<StrategyParams> = {}): StrategyParams {
  const p: StrategyParams = { ...DEFAULT_STRATEGY_PARAMS };
  for (const key of Object.keys(DEFAULT_STRATEGY_PARAMS) as Array<keyof StrategyParams>) {
    const v: unknown = overrides[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new RangeError(`StrategyParams.${key} must be a positive finite number, got ${String(v)}`);
    }
    if (INTEGER_FIELDS.includes(key) && !Number.isInteger(v)) {
      throw new RangeError(`StrategyParams.${key} must be an integer, got ${v}`);
    }
    p[key] = v;
  }
  if (p.macdFast >= p.macdSlow) {
    throw new RangeError(`StrategyParams.macdFast (${p.macdFast}) must be below macdSlow (${p.macdSlow})`);
  }
  return p;
}
