import { expect } from 'chai';
import {
  migrate,
  openDatabase,
  SCHEMA_VERSION,
  schemaVersion,
  Store,
  isSchemaVersionError,
  isStoreOpenError,
  type Migration,
} from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

describe('store: database and migrations', () => {
  let temp: TempStores;
  beforeEach(() => {
    temp = new TempStores();
  });
  afterEach(() => temp.cleanup());

  it('opens with WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    const db = openDatabase({ path: temp.file, busyTimeoutMs: 1234 });
    try {
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
      expect(db.pragma('synchronous', { simple: true })).to.equal(2); // FULL
      expect(db.pragma('foreign_keys', { simple: true })).to.equal(1);
      expect(db.pragma('busy_timeout', { simple: true })).to.equal(1234);
    } finally {
      db.close();
    }
  });

  it('migrates a fresh file once and is a no-op on every reopen, keeping data', () => {
    const db = openDatabase({ path: temp.file });
    const first = migrate(db);
    expect(first).to.deep.include({ from: 0, to: SCHEMA_VERSION });
    expect(first.applied).to.have.length(SCHEMA_VERSION);
    const again = migrate(db);
    expect(again).to.deep.equal({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    db.close();

    const s1 = temp.open({ clock: new ManualClock(T0) });
    s1.events.recordAlert({ kind: 'test', subject: 'x', message: 'kept' });
    s1.close();
    const s2 = temp.open();
    expect(s2.schemaVersion).to.equal(SCHEMA_VERSION);
    expect(s2.events.alerts().map((a) => a.message)).to.deep.equal(['kept']);
  });

  it('refuses a file written by a newer schema', () => {
    const db = openDatabase({ path: temp.file });
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let caught: unknown;
    try {
      temp.open();
    } catch (e) {
      caught = e;
    }
    // Opening wraps it in the one-line StoreOpenError (exit code 3 at start-up); the cause stays typed.
    expect(isStoreOpenError(caught)).to.equal(true);
    expect(isSchemaVersionError((caught as Error).cause)).to.equal(true);
    expect(String(caught)).to.match(/newer build/);
  });

  it('rolls back a failing migration together with its version bump', () => {
    const db = openDatabase({ path: temp.file });
    try {
      const migrations: Migration[] = [
        { version: 1, name: 'ok', up: 'CREATE TABLE a (x INTEGER) STRICT;' },
        { version: 2, name: 'broken', up: 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);' },
      ];
      expect(() => migrate(db, migrations)).to.throw(/nowhere/);
      expect(schemaVersion(db)).to.equal(0);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      expect(tables).to.deep.equal([]);
      expect(() => migrate(db, [{ version: 2, name: 'gap', up: '' }])).to.throw(/versions must run 1, 2, 3/);
    } finally {
      db.close();
    }
  });

  it('opens read-only for reporting, refusing writes and unmigrated files', () => {
    const fresh = openDatabase({ path: temp.file });
    fresh.close();
    expect(() => Store.open({ path: temp.file, readonly: true })).to.throw(/read-only connection cannot migrate/);

    const writer = temp.open({ clock: new ManualClock(T0) });
    writer.events.recordAlert({ kind: 'k', subject: 's', message: 'm' });
    const reader = temp.open({ readonly: true });
    expect(reader.events.alerts()).to.have.length(1);
    expect(() => reader.events.recordAlert({ kind: 'k', subject: 's', message: 'm' })).to.throw(/readonly/i);
  });

  it('finds the file under DATA_DIR as bot.sqlite', () => {
    const s = Store.open({ dataDir: temp.dir });
    try {
      expect(s.path).to.match(/bot\.sqlite$/);
    } finally {
      s.close();
    }
  });
});
