// A store that cannot be opened or migrated: a restart cannot heal it (a read-only directory, a file
// that is not a database, a corrupt page, a full disk), so the message is one line that names the
// file, the SQLite (or file-system) code and what the operator should do. The supervisor prints it
// and exits with STORE_OPEN_EXIT_CODE, which ecosystem.config.js lists in `stop_exit_codes`.

export const STORE_OPEN_FAILED = 'STORE_OPEN_FAILED';

/** The process exit code for a store that cannot open (pm2 does not restart it). */
export const STORE_OPEN_EXIT_CODE = 3;

export class StoreOpenError extends Error {
  readonly code = STORE_OPEN_FAILED;

  constructor(
    readonly file: string,
    /** `SQLITE_NOTADB`, `SQLITE_CANTOPEN`, `EACCES`, ... or `UNKNOWN`. */
    readonly sqliteCode: string,
    readonly detail: string,
    readonly advice: string,
  ) {
    super(`cannot open ${file}: ${sqliteCode} (${detail}); ${advice}`);
    this.name = 'StoreOpenError';
  }

  /** Wraps whatever opening or migrating `file` threw. */
  static from(file: string, cause: unknown): StoreOpenError {
    if (cause instanceof StoreOpenError) return cause;
    const code = codeOf(cause);
    const detail = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0]?.trim() || 'no detail';
    const e = new StoreOpenError(file, code, detail, adviceFor(code, file));
    e.cause = cause;
    return e;
  }
}

export function isStoreOpenError(e: unknown): e is StoreOpenError {
  return e instanceof StoreOpenError;
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : 'UNKNOWN';
}

/** What to do, by the code's family (SQLite extended codes keep their base as a prefix). */
function adviceFor(code: string, file: string): string {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) || '/' : '.';
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(code)) {
    return 'the file is not a usable SQLite database: stop the bot, move it (and any -wal/-shm beside it) aside for inspection or restore a backup, then start again';
  }
  if (/^SQLITE_(CANTOPEN|READONLY|PERM|AUTH)/.test(code) || /^(EACCES|EPERM|EROFS|ENOTDIR|EISDIR)$/.test(code)) {
    return `the bot cannot create or write it: make ${dir} writable by this user, or set DATA_DIR to a writable directory`;
  }
  if (/^SQLITE_FULL/.test(code) || code === 'ENOSPC' || code === 'EDQUOT')
    return `the disk holding ${dir} is full: free space, then start again`;
  if (/^SQLITE_(BUSY|LOCKED)/.test(code))
    return 'another process holds the file locked: stop the other bot instance using it, then start again';
  if (code === 'STORE_SCHEMA_VERSION')
    return 'it was written by a newer build of the bot: run that build, or set DATA_DIR to another directory';
  return `check the file and DATA_DIR, or move the file aside to start with an empty journal`;
}
