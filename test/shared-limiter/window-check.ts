// Helper for the limiter tests: the largest total weight admitted in any closed interval of length
// `windowMs` (the worst intervals start at an admission, so checking those is exhaustive).
export function maxWindowLoad(records: readonly (readonly [number, number, ...unknown[]])[], windowMs: number): number {
  const sorted = [...records].sort((a, b) => a[0] - b[0]);
  let worst = 0;
  let sum = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start]![0];
    while (end < sorted.length && sorted[end]![0] <= from + windowMs) {
      sum += sorted[end]![1];
      end++;
    }
    worst = Math.max(worst, sum);
    sum -= sorted[start]![1];
  }
  return worst;
}
