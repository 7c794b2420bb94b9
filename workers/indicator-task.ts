// Piscina task file: one call per symbol. Thin on purpose; the maths lives in src/strategy/.
// Runs as compiled JS (dist/workers/indicator-task.js); the pool points `filename` at it.
// Each pool thread also samples its own runtime figures and posts them to the scanner.

import { isMainThread, workerData } from 'node:worker_threads';
import { startPoolThreadSampling } from '../src/scanner/pool-runtime.js';
import { analyzeSymbol } from '../src/strategy/analyze-symbol.js';
import type { IndicatorTaskInput, SignalResult } from '../src/strategy/signal-types.js';

// Only in pools that ask for it (createIndicatorPool does, with async atomics: a pool thread
// parked in a synchronous Atomics.wait cannot run a sampling timer).
const sampleMs = (workerData as { sampleRuntimeMs?: unknown } | null)?.sampleRuntimeMs;
if (!isMainThread && typeof sampleMs === 'number' && sampleMs > 0) startPoolThreadSampling(sampleMs);

export default function analyze(input: IndicatorTaskInput): SignalResult {
  return analyzeSymbol(input);
}
