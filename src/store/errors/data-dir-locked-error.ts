export const DATA_DIR_LOCKED = 'DATA_DIR_LOCKED';

export class DataDirLockedError extends Error {
  readonly code = DATA_DIR_LOCKED;

  constructor(
    readonly dataDir: string,
    /** The holder's pid as it wrote it, or null if it has not written it yet. */
    readonly holderPid: number | null,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by another bot process (pid ${holderPid ?? 'unknown'}); ` +
        'stop that process first, or give this one its own DATA_DIR',
    );
    this.name = 'DataDirLockedError';
  }
}

export function isDataDirLockedError(e: unknown): e is DataDirLockedError {
  return e instanceof DataDirLockedError;
}
