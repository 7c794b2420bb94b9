// The built supervisor entry (dist/supervisor/main.js) as a child process in paper mode: the three
// real workers report in and heartbeat, STALL_INJECT stalls one and it is replaced, and SIGINT stops
// everything with exit code 0 within the shutdown timeout.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Child } from '../support/child-process.js';
import { BOT_ENTRY } from '../support/bot-entry.js';

describe('supervisor process (built entry, paper mode)', function () {
  this.timeout(150_000);
  let child: Child | undefined;
  let dir: string | undefined;

  afterEach(() => {
    child?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs three heartbeating workers, replaces a stalled one, and exits 0 on SIGINT', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sup-main-'));
    // The schema's supervision defaults (1 s beats, 3 s stall, 10 s stop): with the 0.2 s / 0.8 s of
    // before, a loaded 2-core machine starved the healthy workers into stalls and slow stops too.
    const shutdownTimeoutS = 10;
    child = new Child('supervisor', BOT_ENTRY, {
      cwd: dir, // no stray .env; logs land in the temp dir
      env: {
        ...process.env,
        LOG_DIR: path.join(dir, 'logs'),
        // debug: the test reads log records (heartbeats, restarts), which the console shows only then.
        LOG_LEVEL: 'debug',
        STATUS_PORT: '0',
        TRADING_MODE: 'paper',
        HEARTBEAT_INTERVAL: '1',
        STALL_TIMEOUT: '3',
        SHUTDOWN_TIMEOUT: String(shutdownTimeoutS),
        CHECK_INTERVAL: '2',
        STALL_INJECT: 'position-monitor:1',
      },
    });
    const bot = child;
    await bot.waitFor(/all workers reported in/, 40_000);
    let out = bot.output;
    for (const w of ['scanner', 'position-monitor', 'order-executor']) {
      expect(out).to.match(new RegExp(`${w} heartbeating .*"generation":0`));
    }
    await bot.waitFor(/THREAD STALL position-monitor: no heartbeat for \d+\.\d s/, 40_000);
    await bot.waitFor(/position-monitor heartbeating .*"generation":1/, 40_000);
    out = bot.output;
    expect(out).to.match(/worker restart .*"worker":"position-monitor".*"reason":"stall"/);

    bot.kill('SIGINT');
    const { code } = await bot.exited;
    out = bot.output;
    expect(code, out).to.equal(0);
    for (const w of ['scanner', 'position-monitor', 'order-executor'])
      expect(out, out.slice(-4000)).to.contain(`${w} shut down`);
    // Nobody had to be terminated: every worker stopped within SHUTDOWN_TIMEOUT.
    expect(out).to.match(/all workers stopped .*"exitCode":0,"terminated":\[\]/);
  });
});
