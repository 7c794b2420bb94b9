// Simulated time, a different concept from the bot's Clock: the market, funding and order
// timestamps run on a SimClock (it may run `speed`x faster, or only when a test moves it); quotas,
// the signature window and the venue's own timers run on the real Clock (KuCoin's servers do not
// speed up for us). A ScaledClock reads that real Clock.
import { type Clock, systemClock } from '../resilience/clock.js';

export interface SimClock {
  /** Simulated epoch milliseconds. */
  now(): number;
}

/** Runs `speed`× faster than real time from `startMs`. */
export class ScaledClock implements SimClock {
  private readonly realStart: number;

  constructor(
    private readonly startMs: number,
    private readonly speed: number,
    private readonly real: Pick<Clock, 'now'> = systemClock,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed))
      throw new Error(`ScaledClock: speed must be a positive number, got ${speed}`);
    this.realStart = real.now();
  }

  now(): number {
    return Math.floor(this.startMs + (this.real.now() - this.realStart) * this.speed);
  }
}

/** Only moves when a test says so. */
export class ManualSimClock implements SimClock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualSimClock.advance: ms must be >= 0, got ${ms}`);
    this.current += ms;
  }

  set(ms: number): void {
    if (ms < this.current) throw new Error(`ManualSimClock.set: time may not go backwards (${ms} < ${this.current})`);
    this.current = ms;
  }
}
