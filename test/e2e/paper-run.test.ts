// End to end, paper mode: the whole bot (built supervisor entry, three worker threads, SQLite,
// status server) trades a fast simulated market for a bounded time. The simulator runs in this
// process (the bot reaches it through SIM_URL), so the test sees the venue's own books.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { BotProcess, closedPnl, reportedOpenPositions, reportedTotalPnl } from './support/bot-process.js';
import { E2E_MARKET } from './support/e2e-market.js';
import {
  ProtectionWatch,
  auditVenueAgainstJournal,
  freezeMarket,
  readJournal,
  roundTrips,
  sum,
} from './support/venue-audit.js';
import { fetchHealth } from './support/fetch-health.js';
import { waitUntil } from '../support/wait-until.js';

describe('e2e: paper run of the whole bot', function () {
  this.timeout(90_000);
  let sim: SimulatorHandle | undefined;
  let bot: BotProcess | undefined;
  let watch: ProtectionWatch | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    watch?.stop();
    bot?.kill();
    await bot?.exited;
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    sim = bot = watch = dir = undefined;
  });

  it('opens and closes positions, keeps every open one under an exchange stop, and journal, venue and report agree on PnL to the cent', async () => {
    sim = await startSimulator(E2E_MARKET);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-paper-'));
    const dataDir = path.join(dir, 'data');
    bot = BotProcess.start({ dir, env: { SIM_URL: sim.url } });
    const statusUrl = await bot.statusUrl();
    // A fresh fill is bare for the few ms until its stop order lands; 1.5 s would be a real gap.
    watch = new ProtectionWatch(sim, 1500);

    await bot.waitForLine(/^TRADE CLOSED /, 'three closed trades', 60_000, { count: 3 });
    expect(bot.trades('OPENED').length).to.be.at.least(3);

    // While running, /health reports the same realised PnL as the journal (sampled when both have
    // seen the same number of closes: a close is committed before its event reaches the supervisor).
    const [h, running] = await waitUntil(
      '/health and the journal to show the same number of closed trades',
      async () => {
        const report = await fetchHealth(statusUrl);
        const j = readJournal(dataDir);
        return report.positions.closed === j.trades.length ? ([report, j] as const) : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(h.positions.total_pnl).to.be.closeTo(sum(running.trades.map((t) => t.realisedPnl)), 0.005);

    // Stop the market so no exchange stop can fire unseen, let one reconciliation catch up, stop.
    freezeMarket(sim);
    const mark = bot.lines.length;
    await bot.waitForLine(/reconciled \{/, 'a reconciliation after the freeze', 20_000, { from: mark });
    const exit = await bot.interrupt(20_000);
    watch.stop();

    expect(exit.code, bot.tail()).to.equal(0);
    expect(bot.matching(/BOT HEALTH REPORT/)).to.have.length.at.least(1);
    expect(bot.matching(/Overall Health: /)).to.have.length.at.least(1);
    expect(watch.violations, watch.violations.join('\n')).to.deep.equal([]);
    expect(watch.samplesWithPositions, 'the watch saw no open position at all').to.be.at.least(1);

    const journal = readJournal(dataDir);
    expect(auditVenueAgainstJournal(sim, journal)).to.deep.equal([]);
    expect(reportedOpenPositions(bot.lines), 'open positions in the final report').to.equal(
      journal.positions.filter((p) => p.status !== 'closed').length,
    );

    const closedLines = bot.trades('CLOSED');
    expect(journal.trades).to.have.length(closedLines.length);
    const journalPnl = sum(journal.trades.map((t) => t.realisedPnl));
    const venuePnl = sum(
      roundTrips(sim)
        .filter((t) => t.complete)
        .map((t) => t.net),
    );
    const reported = reportedTotalPnl(bot.lines);
    expect(reported, 'final report has no Total P/L').to.be.a('number');
    expect(journalPnl).to.be.closeTo(venuePnl, 0.005);
    expect(reported!).to.be.closeTo(journalPnl, 0.005 + 1e-9);
    // Each printed CLOSED line is its journaled trade, rounded to the cent.
    const printed = closedLines.map(closedPnl).sort((a, b) => a - b);
    const journaled = journal.trades.map((t) => Number(t.realisedPnl.toFixed(2))).sort((a, b) => a - b);
    expect(printed).to.deep.equal(journaled);
    // A take-profit is a profit before fees: a target already passed at entry would be closed at once.
    const tpLosses = journal.trades.filter(
      (t) => t.closeReason === 'take-profit' && (t.exitPrice - t.entryPrice) * (t.side === 'long' ? 1 : -1) < 0,
    );
    expect(tpLosses, 'take-profit closes at a loss').to.deep.equal([]);
    // Fees are part of the truth too: the journal's fee total is the venue's, for the closed trades.
    const venueFees = sum(
      roundTrips(sim)
        .filter((t) => t.complete)
        .map((t) => t.fees),
    );
    expect(sum(journal.trades.map((t) => t.fees))).to.be.closeTo(venueFees, 0.005);
  });
});
