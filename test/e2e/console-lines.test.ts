// The default console is for a person: a paper run at the default LOG_LEVEL and CONSOLE_FORMAT
// prints the banner, trade lines, alerts, summaries and the final report, and no log record (no
// JSON fields, no winston level prefixes); the records go to LOG_DIR/bot.log as JSON. Bounded by
// conditions (trades opened and closed in a fast market), not by the clock.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BotProcess } from './support/bot-process.js';

/** A winston console record: `2026-...Z info [supervisor]: ...` or `info: ...` or any `{"key":` field. */
const LOG_RECORD =
  /(^\d{4}-\d\d-\d\dT\S+ (error|warn|info|debug)\b)|(^(error|warn|info|debug)( \[[\w-]+\])?: )|(\{"[\w-]+":)/;

describe('e2e: the default console', function () {
  this.timeout(150_000);
  let bot: BotProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    bot?.kill();
    await bot?.exited;
    if (dir) rmSync(dir, { recursive: true, force: true });
    bot = dir = undefined;
  });

  it('holds only lines for a person, one per trade event, while bot.log gets the JSON records', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-console-'));
    // The e2e default is LOG_LEVEL=debug (tests read every record); this run is the user's default.
    bot = BotProcess.start({ dir, env: { LOG_LEVEL: 'info', SIM_SPEED: '300', SIM_PROFILE: 'trending' } });
    await bot.waitForLine(/^Dashboard: http/, 'the banner', 60_000);
    await bot.waitForLine(/^TRADE CLOSED /, 'three closed trades', 100_000, { count: 3 });
    const exit = await bot.interrupt(30_000);
    expect(exit.code, bot.tail()).to.equal(0);

    const records = bot.lines.filter((l) => LOG_RECORD.test(l.text));
    expect(
      records.map((l) => l.text),
      'log records on the default console',
    ).to.deep.equal([]);
    expect(bot.matching(/^Mode: PAPER/)).to.have.length(1);
    expect(bot.matching(/^BOT HEALTH REPORT/)).to.have.length(1);

    // One console line per event: each open the executor logged appears once as TRADE OPENED.
    const file = readFileSync(path.join(dir, 'logs', 'bot.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: string; symbol?: string });
    const openedInLog = file.filter((r) => r.message === 'position opened').map((r) => r.symbol);
    const openedOnConsole = bot.trades('OPENED').map((l) => l.text.split(' ')[2]);
    expect(openedOnConsole).to.deep.equal(openedInLog);
    expect(file.some((r) => r.message === 'scan complete')).to.equal(true);
  });
});
