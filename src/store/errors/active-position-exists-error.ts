// At most one open (or closing) position per symbol, enforced by a partial unique index; this is
// the typed form of that constraint failing.

export const ACTIVE_POSITION_EXISTS = 'STORE_ACTIVE_POSITION_EXISTS';

export class ActivePositionExistsError extends Error {
  readonly code = ACTIVE_POSITION_EXISTS;

  constructor(readonly symbol: string) {
    super(`a position on ${symbol} is already open or closing`);
    this.name = 'ActivePositionExistsError';
  }
}

export function isActivePositionExistsError(e: unknown): e is ActivePositionExistsError {
  return e instanceof ActivePositionExistsError;
}
