// The embedded simulator forgets everything between runs, so each embedded paper run gets a fresh
// journal and the previous one is archived; live and SIM_URL runs keep theirs.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chooseJournal } from '../../supervisor/journal-file.js';

describe('journal file choice', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps bot.sqlite for live trading and an external simulator', () => {
    writeFileSync(path.join(dir, 'bot.sqlite'), 'old');
    const choice = chooseJournal(dir, false);
    expect(choice).to.deep.equal({ file: path.join(dir, 'bot.sqlite'), archivedTo: null });
    expect(readFileSync(path.join(dir, 'bot.sqlite'), 'utf8')).to.equal('old');
  });

  it('starts an embedded run on a fresh journal, archiving the previous one with its WAL files', () => {
    const first = chooseJournal(path.join(dir, 'data'), true);
    expect(first.archivedTo).to.equal(null);
    writeFileSync(first.file, 'run 1');
    writeFileSync(`${first.file}-wal`, 'wal 1');
    const second = chooseJournal(path.join(dir, 'data'), true, new Date(Date.UTC(2026, 10, 25, 12, 0, 0)));
    expect(second.file).to.equal(first.file);
    expect(existsSync(second.file)).to.equal(false);
    expect(second.archivedTo).to.equal(path.join(dir, 'data', 'paper-embedded-2026-11-25T12-00-00-000Z.sqlite'));
    expect(readFileSync(second.archivedTo!, 'utf8')).to.equal('run 1');
    expect(readFileSync(`${second.archivedTo!}-wal`, 'utf8')).to.equal('wal 1');
  });
});
