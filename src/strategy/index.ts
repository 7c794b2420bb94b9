// Public surface of the strategy area.
export type { Kline, Side, IndicatorTaskInput, IndicatorSnapshot, SignalResult } from './signal-types.js';
export { DEFAULT_STRATEGY_PARAMS, resolveStrategyParams, type StrategyParams } from './strategy-params.js';
export { validateKlines, type KlineCheck } from './validate-klines.js';
export { computeIndicators, requiredCandles } from './compute-indicators.js';
export { scoreSignal, rsiComponent, SIGNAL_WEIGHTS, type SignalScore, type SignalComponent } from './score-signal.js';
export { analyzeSymbol } from './analyze-symbol.js';
export { rankCandidates } from './rank-candidates.js';
