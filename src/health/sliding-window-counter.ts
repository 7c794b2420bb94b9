// Events per sliding window (e.g. API calls in the last 60 s) with O(1) recording and no
// allocation: a ring of time buckets, each tagged with the bucket number it currently holds, so a
// stale bucket is recognised and reset lazily instead of by a timer. There is no cap on the
// count: 200 calls in the last minute report 200.

export interface SlidingWindowCounterOptions {
  /** Window length in ms (default 60 000). */
  windowMs?: number;
  /** Bucket width in ms (default 1000); must divide windowMs. Smaller = finer edge, more buckets. */
  bucketMs?: number;
}

export class SlidingWindowCounter {
  readonly windowMs: number;
  readonly bucketMs: number;
  private readonly bucketCount: number;
  private readonly counts: Float64Array;
  /** The absolute bucket number (floor(time / bucketMs)) each slot holds; NaN = never used. */
  private readonly stamps: Float64Array;

  constructor(options: SlidingWindowCounterOptions = {}) {
    const windowMs = options.windowMs ?? 60_000;
    const bucketMs = options.bucketMs ?? 1000;
    if (!(Number.isFinite(windowMs) && windowMs > 0)) {
      throw new RangeError(`SlidingWindowCounter: option "windowMs" must be a finite number > 0, got ${windowMs}`);
    }
    if (!(Number.isFinite(bucketMs) && bucketMs > 0 && Number.isInteger(windowMs / bucketMs))) {
      throw new RangeError(`SlidingWindowCounter: option "bucketMs" must be > 0 and divide windowMs (${windowMs}), got ${bucketMs}`);
    }
    this.windowMs = windowMs;
    this.bucketMs = bucketMs;
    this.bucketCount = windowMs / bucketMs;
    this.counts = new Float64Array(this.bucketCount);
    this.stamps = new Float64Array(this.bucketCount).fill(Number.NaN);
  }

  /** Adds `n` events at time `nowMs`. */
  add(nowMs: number, n = 1): void {
    const bucket = Math.floor(nowMs / this.bucketMs);
    const slot = ((bucket % this.bucketCount) + this.bucketCount) % this.bucketCount;
    if (this.stamps[slot] !== bucket) {
      this.stamps[slot] = bucket;
      this.counts[slot] = n;
    } else {
      this.counts[slot] = (this.counts[slot] as number) + n;
    }
  }

  /**
   * Events in the window ending at `nowMs`: the current bucket and the `bucketCount - 1` before it.
   * An event therefore leaves the window between windowMs - bucketMs and windowMs after it happened
   * (exactly at the bucket boundary), never later.
   */
  total(nowMs: number): number {
    const current = Math.floor(nowMs / this.bucketMs);
    const oldest = current - this.bucketCount + 1;
    let sum = 0;
    for (let i = 0; i < this.bucketCount; i += 1) {
      const stamp = this.stamps[i] as number;
      if (stamp >= oldest && stamp <= current) sum += this.counts[i] as number;
    }
    return sum;
  }

  reset(): void {
    this.counts.fill(0);
    this.stamps.fill(Number.NaN);
  }
}
