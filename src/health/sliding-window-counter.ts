// Events per sliding window (e.g. API calls in the last 60 s) with O(1) recording and no
// allocation: a ring of time buckets, each tagged with the bucket number it currently holds, so a
// stale bucket is recognised and reset lazily instead of by a timer. There is no cap on the
// count: 200 calls in the last minute report 200. Several counts ("lanes", e.g. calls, successes,
// rate-limited) can share one ring, so recording all three costs one bucket lookup.

export interface SlidingWindowCounterOptions {
  /** Window length in ms (default 60 000). */
  windowMs?: number;
  /** Bucket width in ms (default 1000); must divide windowMs. Smaller = finer edge, more buckets. */
  bucketMs?: number;
  /** Parallel counts sharing the buckets (default 1). */
  lanes?: number;
}

export class SlidingWindowCounter {
  readonly windowMs: number;
  readonly bucketMs: number;
  readonly lanes: number;
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
      throw new RangeError(
        `SlidingWindowCounter: option "bucketMs" must be > 0 and divide windowMs (${windowMs}), got ${bucketMs}`,
      );
    }
    this.windowMs = windowMs;
    const lanes = options.lanes ?? 1;
    if (!(Number.isInteger(lanes) && lanes > 0)) {
      throw new RangeError(`SlidingWindowCounter: option "lanes" must be an integer > 0, got ${lanes}`);
    }
    this.bucketMs = bucketMs;
    this.lanes = lanes;
    this.bucketCount = windowMs / bucketMs;
    // Lane-major within a slot: counts[slot * lanes + lane].
    this.counts = new Float64Array(this.bucketCount * lanes);
    this.stamps = new Float64Array(this.bucketCount).fill(Number.NaN);
  }

  /** Adds `n` events to `lane` at time `nowMs`. */
  add(nowMs: number, n = 1, lane = 0): void {
    this.addAt(this.slot(nowMs), n, lane);
  }

  /**
   * The slot holding `nowMs`'s bucket, cleared first if it still holds an older lap. Pair with
   * addAt() to bump several lanes for one instant with a single lookup.
   */
  slot(nowMs: number): number {
    const bucket = Math.floor(nowMs / this.bucketMs);
    const slot = ((bucket % this.bucketCount) + this.bucketCount) % this.bucketCount;
    if (this.stamps[slot] !== bucket) {
      this.stamps[slot] = bucket;
      const base = slot * this.lanes;
      for (let l = 0; l < this.lanes; l += 1) this.counts[base + l] = 0;
    }
    return slot;
  }

  /** Adds `n` to `lane` in a slot returned by slot(). */
  addAt(slot: number, n = 1, lane = 0): void {
    const i = slot * this.lanes + lane;
    this.counts[i] = (this.counts[i] as number) + n;
  }

  /**
   * Events in the window ending at `nowMs`: the current bucket and the `bucketCount - 1` before it.
   * An event therefore leaves the window between windowMs - bucketMs and windowMs after it happened
   * (exactly at the bucket boundary), never later.
   */
  total(nowMs: number, lane = 0): number {
    const current = Math.floor(nowMs / this.bucketMs);
    const oldest = current - this.bucketCount + 1;
    let sum = 0;
    for (let i = 0; i < this.bucketCount; i += 1) {
      const stamp = this.stamps[i] as number;
      if (stamp >= oldest && stamp <= current) sum += this.counts[i * this.lanes + lane] as number;
    }
    return sum;
  }

  reset(): void {
    this.counts.fill(0);
    this.stamps.fill(Number.NaN);
  }
}
