// A position may be adopted from the venue's list of positions only if no close of its symbol was
// booked after that list was asked for (the list may still show the position just closed); the
// migration's trigger refuses it, and this is the typed form of that refusal.

export const STALE_VENUE_VIEW = 'STORE_STALE_VENUE_VIEW';

export class StaleVenueViewError extends Error {
  readonly code = STALE_VENUE_VIEW;

  constructor(
    readonly symbol: string,
    readonly viewedAfterTradeId: number | null,
  ) {
    super(
      viewedAfterTradeId === null
        ? `adopting a position on ${symbol} needs the trade id the venue view was taken after`
        : `not adopting ${symbol}: a close of it was booked after the venue view (taken after trade #${viewedAfterTradeId}) was requested`,
    );
    this.name = 'StaleVenueViewError';
  }
}

export function isStaleVenueViewError(e: unknown): e is StaleVenueViewError {
  return e instanceof StaleVenueViewError;
}
