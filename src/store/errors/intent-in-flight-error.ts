// One entry order in flight per symbol, one exit order in flight per position (partial unique
// indexes, migration 2): a second one while the first's outcome is not known would be a second
// order that might go through as well. This is the typed form of that constraint failing.

export const INTENT_IN_FLIGHT = 'STORE_INTENT_IN_FLIGHT';

export class IntentInFlightError extends Error {
  readonly code = INTENT_IN_FLIGHT;

  constructor(
    readonly kind: 'entry' | 'exit',
    /** The symbol (entry) or position id (exit) that already has one in flight. */
    readonly subject: string,
    /** The intent in flight, when it could be read. */
    readonly inFlightClientOid: string | null,
  ) {
    super(
      `an ${kind} for ${subject} is already in flight${inFlightClientOid === null ? '' : ` (${inFlightClientOid})`}: not journaling a second one`,
    );
    this.name = 'IntentInFlightError';
  }
}

export function isIntentInFlightError(e: unknown): e is IntentInFlightError {
  return e instanceof IntentInFlightError;
}
