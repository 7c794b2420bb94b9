// Re-recording an intent with the same clientOid is the normal retry path and returns the stored
// row; re-using a clientOid for a DIFFERENT order is a bug that would make the exchange's
// clientOid idempotency swallow a real order, so it is refused.

export const CLIENT_OID_CONFLICT = 'STORE_CLIENT_OID_CONFLICT';

export class ClientOidConflictError extends Error {
  readonly code = CLIENT_OID_CONFLICT;

  constructor(
    readonly clientOid: string,
    readonly fields: readonly string[],
  ) {
    super(`clientOid ${clientOid} is already journaled for a different order (differs in: ${fields.join(', ')})`);
    this.name = 'ClientOidConflictError';
  }
}

export function isClientOidConflictError(e: unknown): e is ClientOidConflictError {
  return e instanceof ClientOidConflictError;
}
