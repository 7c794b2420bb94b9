export const STORE_NOT_FOUND = 'STORE_NOT_FOUND';

export class StoreNotFoundError extends Error {
  readonly code = STORE_NOT_FOUND;

  constructor(
    readonly entity: string,
    readonly key: string | number,
  ) {
    super(`no ${entity} ${String(key)} in the store`);
    this.name = 'StoreNotFoundError';
  }
}

export function isStoreNotFoundError(e: unknown): e is StoreNotFoundError {
  return e instanceof StoreNotFoundError;
}
