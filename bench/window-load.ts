// Quota checks over admission records: the heaviest load in any interval of one window (sliding,
// every alignment: the worst intervals start at an admission, so checking those is exhaustive),
// how many such intervals exceed the quota, and KuCoin's own view (fixed windows that open at the
// first request after the previous one closed).
export type Admission = readonly [atMs: number, weight: number];

export interface WindowCheck {
  /** Heaviest total weight in any closed interval [t, t + window]. */
  readonly maxSlidingLoad: number;
  /** Intervals starting at an admission whose load exceeds the quota. */
  readonly overQuotaSliding: number;
  /** KuCoin-style windows: [start, start + window) opened by the first request. */
  readonly fixedWindows: number;
  readonly overQuotaFixed: number;
  readonly maxFixedLoad: number;
}

export function checkWindows(records: readonly Admission[], windowMs: number, quota: number): WindowCheck {
  const sorted = [...records].sort((a, b) => a[0] - b[0]);
  let maxSliding = 0;
  let overSliding = 0;
  let sum = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const from = sorted[start]![0];
    while (end < sorted.length && sorted[end]![0] <= from + windowMs) {
      sum += sorted[end]![1];
      end++;
    }
    if (sum > maxSliding) maxSliding = sum;
    if (sum > quota) overSliding++;
    sum -= sorted[start]![1];
  }
  let fixedWindows = 0;
  let overFixed = 0;
  let maxFixed = 0;
  let i = 0;
  while (i < sorted.length) {
    const open = sorted[i]![0];
    let load = 0;
    while (i < sorted.length && sorted[i]![0] < open + windowMs) {
      load += sorted[i]![1];
      i++;
    }
    fixedWindows++;
    if (load > quota) overFixed++;
    if (load > maxFixed) maxFixed = load;
  }
  return {
    maxSlidingLoad: maxSliding,
    overQuotaSliding: overSliding,
    fixedWindows,
    overQuotaFixed: overFixed,
    maxFixedLoad: maxFixed,
  };
}
