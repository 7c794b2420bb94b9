// Simulated time. The market, funding and order timestamps run on a SimClock; quotas and the
// signature window run on real time (KuCoin's servers do not speed up for us).

export interface SimClock {
  /** Simulated epoch milliseconds. */
  now(): number;
}

/** Real-time source, injectable so tests never sleep. */
export type RealTimeSource = () => number;

export const systemTime: RealTimeSource = () => Date.now();

/** Runs `speed`× faster than real time from `startMs`. */
export class ScaledClock implements SimClock {
  private readonly realStart: number;

  constructor(
    private readonly startMs: number,
    private readonly speed: number,
    private readonly real: RealTimeSource = systemTime,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`ScaledClock: speed must be a positive number, got ${speed}`);
    this.realStart = real();
  }

  now(): number {
    return Math.floor(this.startMs + (this.real() - this.realStart) * this.speed);
  }
}

/** Only moves when a test says so. */
export class ManualClock implements SimClock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.current += ms;
  }

  set(ms: number): void {
    if (ms < this.current) throw new Error(`ManualClock.set: time may not go backwards (${ms} < ${this.current})`);
    this.current = ms;
  }
}
