// One bot process per DATA_DIR: a second process is refused with the holder's pid; a SIGKILLed
// holder leaves no stale lock (the OS drops it with the process); the bot id outlives reopening.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDirLock, DataDirLockedError, Store } from '../../src/store/index.js';
import { Child } from '../support/child-process.js';

const holderScript = fileURLToPath(new URL('./fixtures/lock-holder.js', import.meta.url));

async function startHolder(dir: string): Promise<{ child: Child; pid: number }> {
  const child = new Child('lock holder', { command: process.execPath, args: [holderScript, dir] }, {});
  const m = await child.waitFor(/locked (\d+)/, 15_000);
  return { child, pid: Number(m[1]) };
}

describe('DATA_DIR lock and bot identity', function () {
  this.timeout(20_000);
  let dir: string;
  const children: Child[] = [];
  const locks: DataDirLock[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'datadir-lock-'));
  });

  afterEach(async () => {
    for (const l of locks.splice(0)) l.release();
    for (const c of children.splice(0)) {
      c.kill('SIGKILL');
      await c.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a second process is refused, naming the first one's pid", async () => {
    const holder = await startHolder(dir);
    children.push(holder.child);
    let error: unknown;
    try {
      locks.push(DataDirLock.acquire(dir));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DataDirLockedError);
    expect((error as DataDirLockedError).holderPid).to.equal(holder.pid);
    expect((error as Error).message).to.include(`pid ${holder.pid}`);
  });

  it('a SIGKILLed holder leaves no stale lock; a released one is free at once', async () => {
    const first = await startHolder(dir);
    children.push(first.child);
    first.child.kill('SIGKILL');
    await first.child.exited;
    const lock = DataDirLock.acquire(dir);
    expect(lock.held).to.equal(true);
    lock.release();
    expect(lock.held).to.equal(false);
    const second = await startHolder(dir);
    children.push(second.child);
    second.child.proc.stdin!.end();
    await second.child.exited;
    locks.push(DataDirLock.acquire(dir));
  });

  it('the bot id is created once and kept in the journal', () => {
    const file = path.join(dir, 'bot.sqlite');
    let created = 0;
    const make = (): string => {
      created++;
      return 'firstid1';
    };
    const s1 = Store.open({ path: file });
    expect(s1.identity.storedBotId()).to.equal(undefined);
    expect(s1.identity.botId(make)).to.equal('firstid1');
    s1.close();
    const s2 = Store.open({ path: file });
    expect(s2.identity.botId(() => 'otherid2')).to.equal('firstid1');
    s2.close();
    expect(created).to.equal(1);
  });
});
