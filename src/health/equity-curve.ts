// A bounded equity series for the dashboard: at most one point per `minIntervalMs` (a newer
// reading inside the interval replaces the last point, so the curve always ends at the latest
// equity), kept in preallocated typed arrays that overwrite the oldest point when full.

export interface EquityPoint {
  /** Epoch milliseconds. */
  readonly t: number;
  readonly equity: number;
}

export interface EquityCurveOptions {
  /** Points kept (default 1440: a day at one point a minute). */
  capacity?: number;
  /** Minimum spacing between kept points in ms (default 60 000). */
  minIntervalMs?: number;
}

export class EquityCurve {
  readonly capacity: number;
  readonly minIntervalMs: number;
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private head = 0;
  private count = 0;
  /** Time the last point's slot was opened; replacements inside the interval keep it. */
  private lastSlotStart = Number.NEGATIVE_INFINITY;

  constructor(options: EquityCurveOptions = {}) {
    const capacity = options.capacity ?? 1440;
    const minIntervalMs = options.minIntervalMs ?? 60_000;
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new RangeError(`EquityCurve: option "capacity" must be an integer > 0, got ${capacity}`);
    }
    if (!(Number.isFinite(minIntervalMs) && minIntervalMs >= 0)) {
      throw new RangeError(`EquityCurve: option "minIntervalMs" must be a finite number >= 0, got ${minIntervalMs}`);
    }
    this.capacity = capacity;
    this.minIntervalMs = minIntervalMs;
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Records a reading; non-finite equity is ignored (a NaN must never reach the chart). */
  record(timeMs: number, equity: number): void {
    if (!Number.isFinite(equity)) return;
    if (this.count > 0 && timeMs - this.lastSlotStart < this.minIntervalMs) {
      const last = (this.head - 1 + this.capacity) % this.capacity;
      this.times[last] = timeMs;
      this.values[last] = equity;
      return;
    }
    this.times[this.head] = timeMs;
    this.values[this.head] = equity;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
    this.lastSlotStart = timeMs;
  }

  /** The latest equity, or null before the first reading. */
  latest(): number | null {
    if (this.count === 0) return null;
    return this.values[(this.head - 1 + this.capacity) % this.capacity] as number;
  }

  /** Oldest first. Allocates: for reports and the dashboard. */
  points(): EquityPoint[] {
    const out: EquityPoint[] = [];
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let k = 0; k < this.count; k += 1) {
      const i = (start + k) % this.capacity;
      out.push({ t: this.times[i] as number, equity: this.values[i] as number });
    }
    return out;
  }
}
