// Positions the exchange shows flat although no exit fill explains it (the venue restarted, its
// fill history is gone or late). Booking them closed at the stop price invented losses that fed
// the kill switch, so they stay `unsettled`: no trade, no PnL, not counted by the kill switch, while
// their fills are looked up again with the toolkit's backoff. In memory on purpose: the state is
// derived (flat on the exchange, no exit fills yet), so a restarted executor finds it again on its
// first reconciliation.
import { backoffDelay, resolveBackoffOptions, type BackoffOptions } from '../resilience/backoff-options.js';
import type { Clock } from '../resilience/clock.js';

export interface UnsettledPosition {
  readonly positionId: number;
  readonly symbol: string;
  /** When it was first found flat without exit fills (executor clock, ms). */
  readonly since: number;
  /** Fill lookups made so far. */
  readonly lookups: number;
  /** The next lookup is not due before this time. */
  readonly nextLookupAt: number;
}

/** Lookups every 1 s, 2 s, 4 s ... up to once a minute: a late fill settles it soon, a lost one costs little. */
export const UNSETTLED_BACKOFF: BackoffOptions = {
  baseDelay: 1_000,
  maxDelay: 60_000,
  maxRetries: Number.MAX_SAFE_INTEGER,
  factor: 2,
  jitter: 0,
};

export class UnsettledPositions {
  private readonly byId = new Map<number, UnsettledPosition>();
  private readonly backoff;

  constructor(
    private readonly clock: Clock,
    backoff: BackoffOptions = UNSETTLED_BACKOFF,
  ) {
    this.backoff = resolveBackoffOptions(backoff, 'UnsettledPositions');
  }

  /** Records a lookup that found no exit fills; returns the entry. */
  noFills(positionId: number, symbol: string): UnsettledPosition {
    const now = this.clock.now();
    const prev = this.byId.get(positionId);
    const lookups = (prev?.lookups ?? 0) + 1;
    const entry: UnsettledPosition = {
      positionId,
      symbol,
      since: prev?.since ?? now,
      lookups,
      nextLookupAt: now + backoffDelay(this.backoff, lookups - 1),
    };
    this.byId.set(positionId, entry);
    return entry;
  }

  /** True while the position is unsettled and its next fill lookup is not due yet. */
  waiting(positionId: number): boolean {
    const e = this.byId.get(positionId);
    return e !== undefined && this.clock.now() < e.nextLookupAt;
  }

  has(positionId: number): boolean {
    return this.byId.has(positionId);
  }

  /** Settled (its fills were found and the trade recorded) or held again on the exchange. */
  settle(positionId: number): void {
    this.byId.delete(positionId);
  }

  /** Oldest first. */
  list(): UnsettledPosition[] {
    return [...this.byId.values()].sort((a, b) => a.since - b.since);
  }

  get size(): number {
    return this.byId.size;
  }
}
