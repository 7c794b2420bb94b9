// Bad values are stopped before they reach SQL, with the offending field named, so a NaN price is a
// loud failure at the call site instead of a NULL or a silently coerced column.

export const STORE_INPUT_ERROR = 'STORE_INVALID_INPUT';

export class StoreInputError extends TypeError {
  readonly code = STORE_INPUT_ERROR;

  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`invalid store input: ${field} ${problem}`);
    this.name = 'StoreInputError';
  }
}

export function isStoreInputError(e: unknown): e is StoreInputError {
  return e instanceof StoreInputError;
}
