// A file written by a newer build (or a read-only open of an unmigrated file) must not be used:
// reading tables whose meaning changed is how PnL silently goes wrong.

export const SCHEMA_VERSION_MISMATCH = 'STORE_SCHEMA_VERSION';

export class SchemaVersionError extends Error {
  readonly code = SCHEMA_VERSION_MISMATCH;

  constructor(
    readonly found: number,
    readonly expected: number,
    detail: string,
  ) {
    super(`store schema version ${found}, this build expects ${expected}: ${detail}`);
    this.name = 'SchemaVersionError';
  }
}

export function isSchemaVersionError(e: unknown): e is SchemaVersionError {
  return e instanceof SchemaVersionError;
}
