// An order intent's state only moves along the journal's state machine; anything else means two
// code paths disagree about an order, which must stop the caller rather than corrupt the journal.

export const ILLEGAL_TRANSITION = 'STORE_ILLEGAL_TRANSITION';

export class IllegalTransitionError extends Error {
  readonly code = ILLEGAL_TRANSITION;

  constructor(
    readonly clientOid: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`illegal order intent transition ${from} -> ${to} (clientOid ${clientOid})`);
    this.name = 'IllegalTransitionError';
  }
}

export function isIllegalTransitionError(e: unknown): e is IllegalTransitionError {
  return e instanceof IllegalTransitionError;
}
