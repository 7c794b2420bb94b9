// Piscina task file: one call per symbol. Thin on purpose; the maths lives in src/strategy/.
// Runs as compiled JS (dist/workers/indicator-task.js); the pool points `filename` at it.

import { analyzeSymbol } from '../src/strategy/analyze-symbol.js';
import type { IndicatorTaskInput, SignalResult } from '../src/strategy/signal-types.js';

export default function analyze(input: IndicatorTaskInput): SignalResult {
  return analyzeSymbol(input);
}
