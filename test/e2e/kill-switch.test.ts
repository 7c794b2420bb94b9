// End to end, the daily loss kill switch: once the day's loss (start-of-day equity minus the
// account's equity now) reaches DAILY_LOSS_LIMIT of the start-of-day equity, the bot says so (TRADE KILL SWITCH) and opens nothing more, while the
// scanner keeps proposing. (a) a journal already holding today's losing trade; (b) losses made
// live in the simulated market against a tiny limit.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { Store } from '../../src/store/index.js';
import { BotProcess, type BotLine } from './support/bot-process.js';
import { E2E_MARKET } from './support/e2e-market.js';
import {
  auditVenueAgainstJournal,
  entryOrders,
  freezeMarket,
  readJournal,
  venueOrders,
} from './support/venue-audit.js';

const SCAN_WITH_PROPOSALS = /scan complete .*"proposed":[1-9]/;

/** `TRADE KILL SWITCH daily loss <x> reached the limit <y> (...)` */
function killSwitchFigures(line: BotLine): { loss: number; limit: number } {
  const m = /daily loss (\d+(?:\.\d+)?) reached the limit (\d+(?:\.\d+)?)/.exec(line.text);
  if (!m) throw new Error(`unexpected kill switch line: ${line.text}`);
  return { loss: Number(m[1]), limit: Number(m[2]) };
}

describe('e2e: daily loss kill switch', function () {
  this.timeout(90_000);
  let sim: SimulatorHandle | undefined;
  let bot: BotProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    bot?.kill();
    await bot?.exited;
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    sim = bot = dir = undefined;
  });

  it('(a) today already lost more than the limit: KILL SWITCH once, no position ever opens, no order reaches the venue', async () => {
    sim = await startSimulator(E2E_MARKET);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-kill-a-'));
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    // What an earlier run today left behind: the day opened at 10 600 USDT and a 600 USDT loss took
    // the account to the 10 000 the venue holds (the kill switch reads equity, not the journal).
    const seed = Store.open({ dataDir });
    seed.dailyPnl.recordStartOfDayEquity(10_600);
    const p = seed.positions.open({
      symbol: 'XBTUSDTM',
      side: 'long',
      size: 10,
      entryPrice: 60_000,
      stopPrice: 59_000,
      leverage: 5,
    });
    seed.trades.recordClose({ positionId: p.id, exitPrice: 59_400, realisedPnl: -600, fees: 0, reason: 'stop' });
    seed.close();

    bot = BotProcess.start({ dir, env: { SIM_URL: sim.url, DAILY_LOSS_LIMIT: '0.05' } });
    const statusUrl = await bot.statusUrl();
    const kill = await bot.waitForLine(/^TRADE KILL SWITCH /, 'the kill switch', 30_000);
    const { loss, limit } = killSwitchFigures(kill);
    expect(loss).to.be.closeTo(600, 1e-6);
    expect(limit).to.be.closeTo(530, 1e-6);
    // The scanner goes on proposing; the executor refuses every one.
    const from = bot.lines.indexOf(kill);
    await bot.waitForLine(SCAN_WITH_PROPOSALS, 'three more scans with proposals', 40_000, { from, count: 3 });
    // /health shows the bot degraded by the kill switch (the executor publishes it as a gauge).
    const h = (await (await fetch(`${statusUrl}/health`)).json()) as {
      overall_health: { status: string; reasons: string[] };
    };
    expect(h.overall_health.status).to.equal('DEGRADED');
    expect(h.overall_health.reasons.join(' ')).to.match(/kill switch/);
    const exit = await bot.interrupt(20_000);
    expect(exit.code, bot.tail()).to.equal(0);

    expect(bot.trades('OPENED'), bot.tail()).to.deep.equal([]);
    expect(bot.trades('KILL SWITCH')).to.have.length(1);
    expect(venueOrders(sim)).to.deep.equal([]);
    const journal = readJournal(dataDir);
    expect(journal.intents).to.deep.equal([]);
    expect(journal.trades).to.have.length(1);
  });

  it('(b) live losses reach a tiny limit: after the KILL SWITCH line no entry is sent and nothing opens', async () => {
    sim = await startSimulator(E2E_MARKET);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-kill-b-'));
    const dataDir = path.join(dir, 'data');
    // 0.2 % of 10 000 USDT: a couple of losing trades (fees alone are ~6 USDT a round trip).
    bot = BotProcess.start({ dir, env: { SIM_URL: sim.url, DAILY_LOSS_LIMIT: '0.002' } });
    const kill = await bot.waitForLine(/^TRADE KILL SWITCH /, 'the kill switch', 60_000);
    const entriesAtKill = entryOrders(sim).length;
    const openedBefore = bot.trades('OPENED').length;
    const { loss, limit } = killSwitchFigures(kill);
    expect(loss).to.be.at.least(limit);
    expect(openedBefore, 'something was traded before the switch tripped').to.be.above(0);

    const from = bot.lines.indexOf(kill);
    await bot.waitForLine(SCAN_WITH_PROPOSALS, 'three more scans with proposals', 40_000, { from, count: 3 });
    freezeMarket(sim);
    await bot.waitForLine(/reconciled \{/, 'a reconciliation after the freeze', 20_000, { from: bot.lines.length });
    const exit = await bot.interrupt(20_000);
    expect(exit.code, bot.tail()).to.equal(0);

    expect(bot.trades('OPENED', from), bot.tail()).to.deep.equal([]);
    expect(entryOrders(sim)).to.have.length(entriesAtKill);
    const journal = readJournal(dataDir);
    expect(limit).to.be.closeTo(journal.dailyEquity[0]!.startEquity * 0.002, 1e-6);
    expect(auditVenueAgainstJournal(sim, journal)).to.deep.equal([]);
  });
});
