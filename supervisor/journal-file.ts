// Which SQLite journal the bot uses. The embedded simulator starts empty on every run, so a journal
// from an earlier run would describe orders and positions this exchange never had (reconciliation
// would "close" them at their stops and book losses that never happened). Each embedded paper run
// therefore gets a fresh journal and the previous one is archived beside it, never deleted. Live
// trading and an external simulator (SIM_URL) keep one journal across restarts: that is what
// crash recovery reconciles against.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { storePath } from '../src/store/index.js';

const EMBEDDED_JOURNAL = 'paper-embedded.sqlite';
/** SQLite keeps WAL-mode state in these companions; they move with the main file. */
const COMPANIONS = ['', '-wal', '-shm'];

export interface JournalChoice {
  readonly file: string;
  /** Where the previous embedded run's journal went, if there was one. */
  readonly archivedTo: string | null;
}

export function chooseJournal(dataDir: string, embeddedSimulator: boolean, now: Date = new Date()): JournalChoice {
  if (!embeddedSimulator) return { file: storePath(dataDir), archivedTo: null };
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, EMBEDDED_JOURNAL);
  if (!existsSync(file)) return { file, archivedTo: null };
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const archived = path.join(dataDir, `paper-embedded-${stamp}.sqlite`);
  for (const suffix of COMPANIONS) {
    if (existsSync(file + suffix)) renameSync(file + suffix, archived + suffix);
  }
  return { file, archivedTo: archived };
}
