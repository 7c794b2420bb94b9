// Picks the entries the scanner proposes to the executor: actionable signals only, best first.

import type { SignalResult } from './signal-types.js';

/**
 * Keeps results with a side and confidence >= minConfidence, sorted by confidence descending; equal
 * confidences are ordered by symbol (code-unit order, not locale, so every thread and machine agrees).
 * At most `limit` results (a non-positive limit returns none). The input array is not modified.
 */
export function rankCandidates(results: readonly SignalResult[], minConfidence: number, limit: number): SignalResult[] {
  if (!Number.isFinite(minConfidence)) throw new RangeError(`minConfidence must be finite, got ${minConfidence}`);
  if (Number.isNaN(limit)) throw new RangeError('limit must be a number, got NaN');
  const max = Math.max(0, Math.floor(limit));
  return results
    .filter((r) => r.side !== 'none' && Number.isFinite(r.confidence) && r.confidence >= minConfidence)
    .sort((a, b) => b.confidence - a.confidence || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .slice(0, max);
}
