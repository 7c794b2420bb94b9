// Opening the SQLite file with the pragmas every connection needs. The executor thread and the
// supervisor each hold their own connection to the same file, so:
// - WAL lets readers proceed while the other connection writes;
// - busy_timeout makes a writer wait for the other's write lock instead of failing at once;
// - synchronous=FULL fsyncs the WAL at every commit, so an intent journaled before an order is
//   sent is on disk even if the machine (not just the process) dies right after;
// - foreign_keys is per connection and off by default in SQLite.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreInputError } from './errors/store-input-error.js';

export type SqliteDatabase = Database.Database;

export interface DatabaseOptions {
  /** File path, or ':memory:' (no WAL; for throwaway use only). */
  readonly path: string;
  /** Open without write access (reporting). The file must exist. */
  readonly readonly?: boolean;
  /** How long a connection waits for another connection's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
export const STORE_FILE_NAME = 'bot.sqlite';

/** Where the store lives under `DATA_DIR`. */
export function storePath(dataDir: string): string {
  return path.join(dataDir, STORE_FILE_NAME);
}

export function openDatabase(options: DatabaseOptions): SqliteDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new StoreInputError('busyTimeoutMs', `must be a non-negative integer, got ${busyTimeoutMs}`);
  }
  if (typeof options.path !== 'string' || options.path === '') {
    throw new StoreInputError('path', 'must be a non-empty string');
  }
  const readonly = options.readonly ?? false;
  const inMemory = options.path === ':memory:';
  if (!readonly && !inMemory) fs.mkdirSync(path.dirname(options.path), { recursive: true });

  const db = new Database(options.path, { readonly, fileMustExist: readonly, timeout: busyTimeoutMs });
  try {
    // Set first, so switching to WAL below waits for a peer connection instead of failing.
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!readonly && !inMemory) {
      const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
      if (mode.toLowerCase() !== 'wal')
        throw new Error(`could not enable WAL on ${options.path} (journal_mode is ${mode})`);
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
