// Which trailing-stop moves earn a console line. A trailing stop follows the price in many small
// steps (30 STOP MOVED lines in 3 minutes of a fast demo); a person needs the ones that matter: the
// first move of a position, a move of at least `minShare` of the stop's distance from the price
// (counted from the last move shown), or, for steady creeping, one line per `intervalMs`. Every
// move still reaches the log file and the dashboard.
import type { Clock } from '../resilience/clock.js';

export interface StopMoveThrottleOptions {
  /** Share of the stop's distance from the price a move must cover to be shown (0..1]. */
  readonly minShare: number;
  /** A smaller move is still shown once this long has passed since the position's last line. */
  readonly intervalMs: number;
  readonly clock: Pick<Clock, 'now'>;
}

export interface StopMove {
  readonly symbol: string;
  /** The stop before this move (null: the position had none). */
  readonly from: number | null;
  readonly to: number;
  /** The price when it moved; without it only the interval applies. */
  readonly mark?: number;
}

interface Shown {
  readonly stop: number;
  readonly distance: number | null;
  readonly at: number;
}

export class StopMoveThrottle {
  private readonly shown = new Map<string, Shown>();

  constructor(private readonly options: StopMoveThrottleOptions) {
    if (!(options.minShare > 0 && options.minShare <= 1))
      throw new RangeError(`minShare must be in (0, 1], got ${options.minShare}`);
    if (!(options.intervalMs >= 0)) throw new RangeError(`intervalMs must be >= 0, got ${options.intervalMs}`);
  }

  /** True when this move deserves a console line (and remembers it as the last one shown). */
  show(move: StopMove): boolean {
    const now = this.options.clock.now();
    const last = this.shown.get(move.symbol);
    const distance = move.mark !== undefined && Number.isFinite(move.mark) ? Math.abs(move.mark - move.to) : null;
    const worth =
      last === undefined ||
      now - last.at >= this.options.intervalMs ||
      (last.distance !== null &&
        last.distance > 0 &&
        Math.abs(move.to - last.stop) >= this.options.minShare * last.distance);
    if (worth) this.shown.set(move.symbol, { stop: move.to, distance, at: now });
    return worth;
  }

  /** The position closed: its next stop (a new position) is shown again. */
  forget(symbol: string): void {
    this.shown.delete(symbol);
  }
}
