// Protective exits never wait on the journal. A journal write that fails because the store cannot
// be written (disk full, read-only file or mount, a corrupt page, an I/O error) used to stop the
// exit or stop move it belonged to; now the write is DEFERRED instead: kept, in order, and replayed
// once the store takes writes again, while the order goes out (reduce-only, under a clientOid
// derived from the position and the exit, so a retry cannot double it). While it is down, entries
// stop and health is UNHEALTHY with one reason naming the SQLite code and the file.
//
// Writes nest (a transaction whose body makes journal calls): only the outermost one is guarded and
// deferred, so a transaction is replayed whole, never half.
import type { TradeEvent } from '../protocol/trade-event.js';
import type { ExecutorLogger } from './executor-options.js';

/** SQLite result codes (primary, or extended by prefix) that mean the store cannot take writes. */
const UNWRITABLE = [
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_IOERR',
  'SQLITE_NOTADB',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
];

/** The SQLite code when `e` says the journal cannot be written, else null (a bug, a constraint: rethrown). */
export function journalFailureCode(e: unknown): string | null {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return null;
  return UNWRITABLE.some((u) => code === u || code.startsWith(`${u}_`)) ? code : null;
}

/** The health reason, exactly as operators read it (README's reasons table). */
export function journalUnwritableReason(code: string, file: string): string {
  return `journal unwritable: ${code} at ${file}; entries stopped, exits continue`;
}

interface Deferred {
  readonly what: string;
  readonly run: () => unknown;
}

export interface JournalGuardDeps {
  /** The store file, for the health reason. */
  readonly file: string;
  readonly log: ExecutorLogger;
  readonly emit: (event: Extract<TradeEvent, { type: 'health' }> extends infer E ? Omit<E, 'at'> : never) => void;
  /** A small real write that proves the store is writable again (it records that it is). */
  readonly probe: (downFor: string) => void;
}

export class JournalGuard {
  private down: { readonly code: string } | null = null;
  private readonly deferred: Deferred[] = [];
  private depth = 0;

  constructor(private readonly deps: JournalGuardDeps) {}

  /** True while writes fail (or deferred ones wait): entries must not be sent. */
  get unwritable(): boolean {
    return this.down !== null;
  }

  get pending(): number {
    return this.deferred.length;
  }

  /** The health reason while unwritable, else null. */
  get reason(): string | null {
    return this.down === null ? null : journalUnwritableReason(this.down.code, this.deps.file);
  }

  /**
   * Runs the journal write `fn`. If the store cannot be written, `fn` is kept for replay (after any
   * write already waiting, so their order holds) and `fallback()` stands in for its result. Any
   * other error is thrown as before.
   */
  write<T>(what: string, fn: () => T, fallback: () => T): T {
    if (this.depth > 0) return fn(); // inside a guarded write: its outermost caller decides
    if (this.deferred.length > 0) {
      this.deferred.push({ what, run: fn });
      return fallback();
    }
    this.depth++;
    try {
      return fn();
    } catch (e) {
      const code = journalFailureCode(e);
      if (code === null) throw e;
      this.failed(code, what);
      this.deferred.push({ what, run: fn });
      return fallback();
    } finally {
      this.depth--;
    }
  }

  /**
   * Runs a write that must NOT be deferred (an entry's intent: no entry goes out unjournaled).
   * Throws as before; a store failure also marks the journal unwritable.
   */
  mustWrite<T>(what: string, fn: () => T): T {
    if (this.down !== null) throw new Error(`${what}: ${this.reason}`);
    try {
      return fn();
    } catch (e) {
      const code = journalFailureCode(e);
      if (code !== null) this.failed(code, what);
      throw e;
    }
  }

  /** Notes a store failure met outside write()/mustWrite() (a read of a corrupt page). */
  noteFailure(e: unknown, what: string): boolean {
    const code = journalFailureCode(e);
    if (code === null) return false;
    this.failed(code, what);
    return true;
  }

  /**
   * Replays the deferred writes in order; once all went through and a probe write succeeds, the
   * journal is writable again. A deferred write the store now refuses for another reason (the
   * state moved on meanwhile) is logged and dropped: reconciliation reads the truth from the
   * exchange. Returns true when the journal is writable.
   */
  flush(): boolean {
    if (this.down === null && this.deferred.length === 0) return true;
    for (let next = this.deferred[0]; next !== undefined; next = this.deferred[0]) {
      this.depth++;
      try {
        next.run();
      } catch (e) {
        const code = journalFailureCode(e);
        if (code !== null) {
          if (this.down?.code !== code) this.failed(code, next.what);
          return false;
        }
        this.deps.log.warn('deferred journal write dropped on replay', {
          what: next.what,
          error: e instanceof Error ? e.message : String(e),
        });
      } finally {
        this.depth--;
      }
      this.deferred.shift();
    }
    if (this.down !== null) {
      try {
        this.deps.probe(this.down.code);
      } catch (e) {
        if (journalFailureCode(e) !== null) return false;
        throw e;
      }
      this.deps.log.warn('journal writable again; deferred writes recorded, entries resume', { code: this.down.code });
      this.down = null;
    }
    this.publish();
    return true;
  }

  /** Tells health the current state (after every reconciliation, so a restarted view is replaced). */
  publish(): void {
    this.deps.emit({
      type: 'health',
      symbol: '',
      key: 'journal',
      status: this.down === null ? null : 'UNHEALTHY',
      reason: this.reason ?? 'journal writable',
    });
  }

  private failed(code: string, what: string): void {
    const first = this.down === null;
    this.down = { code };
    this.deps.log.error(
      first ? 'journal write failed: entries stopped, exits continue' : 'journal write failed again',
      { code, file: this.deps.file, what },
    );
    if (first) this.publish();
  }
}
