// One bot process per DATA_DIR, for the process's life. The lock is an exclusive SQLite lock on
// DATA_DIR/bot.lock (an OS file lock under the hood), so the operating system releases it when the
// holder exits however it exits: a SIGKILLed or crashed bot leaves no stale lock behind, and a pid
// file can never keep a dead process's directory locked (or be fooled by a reused pid). The
// holder's pid goes into DATA_DIR/bot.lock.pid so the refusal can name it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataDirLockedError } from './errors/data-dir-locked-error.js';
import { systemClock } from '../resilience/clock.js';

export const LOCK_FILE_NAME = 'bot.lock';

export class DataDirLock {
  private constructor(
    private db: Database.Database | undefined,
    readonly file: string,
    readonly pid: number,
  ) {}

  /** Takes the lock or throws DataDirLockedError naming the holder's pid. */
  static acquire(dataDir: string, pid: number = process.pid): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, LOCK_FILE_NAME);
    // timeout 0: a held lock answers SQLITE_BUSY at once instead of waiting for it.
    const db = new Database(file, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      // The first write takes the exclusive lock; in EXCLUSIVE mode it is kept until close.
      db.exec('BEGIN EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since INTEGER NOT NULL)');
      db.exec('DELETE FROM holder');
      db.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(pid, systemClock.now());
      db.exec('COMMIT');
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') {
        throw new DataDirLockedError(dataDir, readPid(`${file}.pid`));
      }
      throw e;
    }
    fs.writeFileSync(`${file}.pid`, `${pid}\n`);
    return new DataDirLock(db, file, pid);
  }

  get held(): boolean {
    return this.db !== undefined;
  }

  /** Releases the lock (the OS does it anyway when the process exits). Idempotent. */
  release(): void {
    if (this.db === undefined) return;
    if (readPid(`${this.file}.pid`) === this.pid) fs.rmSync(`${this.file}.pid`, { force: true });
    this.db.close();
    this.db = undefined;
  }
}

function readPid(file: string): number | null {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isSafeInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}
