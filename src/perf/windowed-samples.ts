// A bounded window of timestamped values with percentiles read on demand. Exact (sorted at read
// time) rather than bucketed: reads happen a few times a second at most, and the cap keeps the
// sort to a few thousand numbers.
export interface SampleStats {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export class WindowedSamples {
  private times: number[] = [];
  private values: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly capacity = 5000,
  ) {
    if (!(windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${windowMs}`);
  }

  add(at: number, value: number): void {
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) return;
    if (this.values.length >= this.capacity) {
      // Drop the oldest half at once: amortised O(1) per add.
      const keep = Math.floor(this.capacity / 2);
      this.times = this.times.slice(-keep);
      this.values = this.values.slice(-keep);
    }
    this.times.push(at);
    this.values.push(value);
  }

  /** Values within the window ending at `now`, oldest first. */
  within(now: number, windowMs = this.windowMs): number[] {
    this.prune(now);
    const from = now - windowMs;
    const out: number[] = [];
    for (let i = 0; i < this.times.length; i++)
      if ((this.times[i] as number) > from) out.push(this.values[i] as number);
    return out;
  }

  stats(now: number, windowMs = this.windowMs): SampleStats {
    return summarise(this.within(now, windowMs));
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] as number) <= from) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.values.splice(0, drop);
    }
  }
}

/** Nearest-rank percentiles of `values` (any order); zeros when empty. */
export function summarise(values: readonly number[]): SampleStats {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] as number };
}
