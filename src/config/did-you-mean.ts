// "Did you mean LEVERAGE?" for a mistyped setting name: the closest known name by edit distance
// (insert, delete, substitute, or swap two neighbours), if it is close enough to be a typo.

/** Optimal-string-alignment distance between a and b. */
export function editDistance(a: string, b: string): number {
  const cols = b.length + 1;
  // Row-major (a.length + 1) x (b.length + 1) table; row 0 and column 0 are the distances to ''.
  const d = new Array<number>((a.length + 1) * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * cols] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

/** The known name nearest to `name` (case-insensitive), or null when none is within a third of its length. */
export function didYouMean(name: string, known: readonly string[]): string | null {
  const wanted = name.toUpperCase();
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(wanted, candidate.toUpperCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : null;
}
