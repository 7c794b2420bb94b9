// End to end crash safety: (a) the order executor thread dies while an entry order is on the wire
// (the venue filled it, the answer never came back), (b) the whole bot process is SIGKILLed with
// positions open and started again on the same DATA_DIR against the same venue. After the
// reconciliation: no order duplicated, every venue position protected by a stop and recorded, and
// realised PnL already journaled unchanged.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { BotProcess, reportedOpenPositions } from './support/bot-process.js';
import { E2E_MARKET } from './support/e2e-market.js';
import {
  ProtectionWatch,
  auditVenueAgainstJournal,
  freezeMarket,
  readJournal,
  roundTrips,
  unprotectedPositions,
  venueOrders,
  venuePositions,
} from './support/venue-audit.js';
import { VenueProxy, type HeldEntry } from './support/venue-proxy.js';
import { waitUntil } from '../support/wait-until.js';

const ACCEPTING = /reconciled with the exchange; accepting entries/;

/** Stops the market, waits for the bot to reconcile once more, stops it with SIGINT (exit 0). */
async function settleAndStop(bot: BotProcess, sim: SimulatorHandle): Promise<void> {
  freezeMarket(sim);
  const mark = bot.lines.length;
  await bot.waitForLine(/reconciled \{/, 'a reconciliation after the freeze', 20_000, { from: mark });
  const exit = await bot.interrupt(20_000);
  expect(exit.code, bot.tail()).to.equal(0);
}

describe('e2e: crash safety of the whole bot', function () {
  // Deadlines are safety nets for conditions, generous because a loaded 2-core machine can take a
  // minute to start the bot and see its first signal; a passing run waits only as long as it must.
  this.timeout(240_000);
  let sim: SimulatorHandle | undefined;
  let proxy: VenueProxy | undefined;
  const bots: BotProcess[] = [];
  let watch: ProtectionWatch | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    watch?.stop();
    for (const b of bots.splice(0)) {
      b.kill();
      await b.exited;
    }
    await proxy?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    sim = proxy = watch = dir = undefined;
  });

  it('(a0) a slow venue answer to an entry (longer than a reconciliation interval) is still one OPENED entry, not taken over by the periodic reconciliation', async () => {
    sim = await startSimulator(E2E_MARKET);
    proxy = await VenueProxy.start(sim.url);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-slow-'));
    const dataDir = path.join(dir, 'data');
    // Reconciliation runs every max(1 s, 5 x POSITION_UPDATE_INTERVAL) = 2.5 s; the answer takes 4 s
    // (the client's own timeout is 10 s, so the executor is simply waiting for it).
    proxy.delayEntryAnswers(4000);
    const bot = BotProcess.start({ dir, env: { SIM_URL: proxy.url } });
    bots.push(bot);
    watch = new ProtectionWatch(sim, 6000);

    await waitUntil('a delayed entry', () => proxy!.delayed.length > 0, { timeoutMs: 90_000, intervalMs: 20 });
    const first = proxy.delayed[0]!;
    await bot.waitForLine(
      new RegExp(`^TRADE OPENED ${first.symbol} `),
      `the delayed entry ${first.symbol} reported as opened`,
      20_000,
    );
    await bot.waitForLine(/reconciled \{/, 'one more reconciliation', 10_000, { from: bot.lines.length });
    await settleAndStop(bot, sim);
    watch.stop();

    expect(bot.matching(/entry failed unexpectedly/), bot.tail()).to.deep.equal([]);
    expect(bot.matching(/entry filled while the executor was away/), bot.tail()).to.deep.equal([]);
    expect(bot.trades('ADOPTED')).to.deep.equal([]);
    expect(bot.trades('REJECTED').filter((l) => /\[unknown\]/.test(l.text))).to.deep.equal([]);
    const journal = readJournal(dataDir);
    for (const d of proxy.delayed) {
      const intent = journal.intents.find((i) => i.clientOid === d.clientOid);
      if (intent?.state !== 'filled') continue; // delivered after the freeze: still covered by the audit
      const position = journal.positions.find((p) => p.id === intent.positionId);
      expect(position?.adopted, `${d.symbol} position of a slow entry`).to.equal(false);
    }
    expect(watch.violations, watch.violations.join('\n')).to.deep.equal([]);
    expect(auditVenueAgainstJournal(sim, journal)).to.deep.equal([]);
  });

  it('(a1) SIGINT while an entry order is in flight: the graceful stop finishes it (recorded, protected) before the process exits', async () => {
    sim = await startSimulator(E2E_MARKET);
    proxy = await VenueProxy.start(sim.url);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-drain-'));
    const dataDir = path.join(dir, 'data');
    proxy.holdEntryAnswers(true);
    const firstHeld = new Promise<HeldEntry>((resolve) => proxy!.onHeld(resolve));
    const bot = BotProcess.start({ dir, env: { SIM_URL: proxy.url, SHUTDOWN_TIMEOUT: '10' } });
    bots.push(bot);

    const held = await within(firstHeld, 90_000, 'a first entry order');
    // Nothing else may move: no stop can fire unseen, so the journal can be compared exactly.
    freezeMarket(sim);
    await bot.waitForLine(/reconciled \{/, 'a reconciliation after the freeze', 20_000, { from: bot.lines.length });
    expect(
      readJournal(dataDir).intents.find((i) => i.clientOid === held.clientOid)?.state,
      'the held entry is still in flight',
    ).to.equal('sent');
    const stopping = bot.interrupt(20_000);
    await bot.waitForLine(/finishing order operations in flight before shutdown/, 'the executor draining', 10_000);
    // The answer arrives late, during the graceful stop: the executor must still see it through.
    proxy.releaseHeld();
    const exit = await stopping;
    expect(exit.code, bot.tail()).to.equal(0);

    const journal = readJournal(dataDir);
    const intent = journal.intents.find((i) => i.clientOid === held.clientOid);
    expect(intent?.state, bot.tail()).to.equal('filled');
    expect(journal.positions.find((p) => p.id === intent!.positionId)?.stopOrderId).to.be.a('string');
    expect(
      bot.trades('OPENED').some((l) => l.text.startsWith(`TRADE OPENED ${held.symbol} `)),
      bot.tail(),
    ).to.equal(true);
    expect(auditVenueAgainstJournal(sim, journal)).to.deep.equal([]);
    // The final report counts the position finished during the stop.
    expect(reportedOpenPositions(bot.lines), bot.tail(30)).to.equal(
      journal.positions.filter((p) => p.status !== 'closed').length,
    );
  });

  it('(a) executor killed with an entry order in flight: after its restart the filled entry is recorded, protected and never sent twice', async () => {
    sim = await startSimulator(E2E_MARKET);
    proxy = await VenueProxy.start(sim.url);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-crash-a-'));
    const dataDir = path.join(dir, 'data');
    // The venue fills every entry but its answer is held back: the first entry is still "in flight"
    // when the executor thread busy-loops (STALL_INJECT) and is terminated and replaced.
    proxy.holdEntryAnswers(true);
    const firstHeld = new Promise<HeldEntry>((resolve) => proxy!.onHeld(resolve));
    const bot = BotProcess.start({
      dir,
      env: { SIM_URL: proxy.url, STALL_INJECT: 'order-executor:6', STALL_TIMEOUT: '1.5' },
    });
    bots.push(bot);
    watch = new ProtectionWatch(sim, 1500);

    const held = await within(firstHeld, 90_000, 'a first entry order');
    expect(
      bot.matching(/THREAD STALL order-executor/),
      'the first entry came only after the stall: raise STALL_INJECT',
    ).to.deep.equal([]);
    watch.excused.add(held.symbol);
    const stall = await bot.waitForLine(/THREAD STALL order-executor/, 'the executor stall', 30_000);
    // The order really reached the venue, filled, and the executor never learned it.
    const order = sim.engine.orderByClientOid(held.clientOid);
    expect(order, `venue order for ${held.clientOid}`).to.not.equal(undefined);
    expect(order!.filledSize).to.be.above(0);
    expect(
      bot.trades('OPENED').some((l) => l.text.startsWith(`TRADE OPENED ${held.symbol} `)),
      'the held entry was reported as opened',
    ).to.equal(false);
    // ...and the journal still has it in flight: only the replacement executor may resolve it.
    expect(
      readJournal(dataDir).intents.find((i) => i.clientOid === held.clientOid)?.state,
      'entry intent at the stall',
    ).to.equal('sent');

    proxy.holdEntryAnswers(false);
    const stallIndex = bot.lines.indexOf(stall);
    await bot.waitForLine(/order-executor heartbeating .*"generation":1/, 'the replacement executor', 20_000, {
      from: stallIndex,
    });
    proxy.dropHeld();
    await bot.waitForLine(ACCEPTING, 'the replacement executor reconciled', 20_000, { from: stallIndex });

    // Right after its reconciliation the replacement executor knows the entry and its position.
    const journal = readJournal(dataDir);
    const intent = journal.intents.find((i) => i.clientOid === held.clientOid);
    expect(intent?.state, 'the in-flight entry intent').to.equal('filled');
    expect(intent?.positionId).to.be.a('number');
    // Reported once, as taken over, so the bot's opened/closed counts stay consistent.
    expect(bot.trades('ADOPTED').filter((l) => l.text.startsWith(`TRADE ADOPTED ${held.symbol} `))).to.have.length(1);
    const stillHeld = venuePositions(sim).some((p) => p.symbol === held.symbol);
    if (stillHeld) {
      expect(journal.positions.find((p) => p.id === intent!.positionId)?.status).to.not.equal('closed');
      expect(unprotectedPositions(sim).map((p) => p.symbol)).to.not.include(held.symbol);
    }
    watch.excused.delete(held.symbol);

    // The bot goes on trading with the new executor.
    await bot.waitForLine(/^TRADE (OPENED|CLOSED) /, 'trading after the restart', 30_000, { from: bot.lines.length });
    await settleAndStop(bot, sim);
    watch.stop();

    expect(watch.violations, watch.violations.join('\n')).to.deep.equal([]);
    const final = readJournal(dataDir);
    expect(auditVenueAgainstJournal(sim, final)).to.deep.equal([]);
    // One venue order for the clientOid however often it was posted.
    expect(venueOrders(sim).filter((o) => o.clientOid === held.clientOid)).to.have.length(1);
    expect(proxy.held.length).to.be.at.least(1);
  });

  it('(b) the whole process SIGKILLed with positions open, restarted on the same DATA_DIR: reconciled without duplicates, every position protected and recorded, journaled PnL unchanged', async () => {
    sim = await startSimulator(E2E_MARKET);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-crash-b-'));
    const dataDir = path.join(dir, 'data');
    const env = { SIM_URL: sim.url };
    const first = BotProcess.start({ dir, env });
    bots.push(first);
    watch = new ProtectionWatch(sim, 1500);

    await first.waitForLine(/^TRADE CLOSED /, 'two closed trades', 60_000, { count: 2 });
    // Kill it while it holds positions (the venue's view), each already under its exchange stop: a
    // kill in the instant between an entry's fill and its stop order would leave nothing to fire.
    await waitUntil(
      'an open position on the venue, under its exchange stop',
      () => venuePositions(sim!).length > 0 && unprotectedPositions(sim!).length === 0,
      { timeoutMs: 90_000, intervalMs: 20 },
    );
    await first.crash();
    const atKill = venuePositions(sim);
    const before = readJournal(dataDir);
    expect(before.trades.length).to.be.at.least(2);

    // A dead bot still has its stops on the venue: let the market run until one of them fires while
    // nobody watches (the restart must then journal that close from the venue's fills).
    watch.paused = true; // the second bot's reconciliation is what the test judges next
    const tripsAtKill = roundTrips(sim).filter((t) => t.complete).length;
    // Push one held position 8 % against itself (past any stop the bot sets, short of liquidation at
    // 5x) so a stop fires whatever the market would have done on its own.
    const victim = atKill[0]!;
    sim.market.shock(victim.symbol, victim.side === 'long' ? 0.92 : 1.08);
    await waitUntil(
      'an exchange stop firing while the bot is down',
      () => roundTrips(sim!).filter((t) => t.complete).length > tripsAtKill,
      { timeoutMs: 60_000, intervalMs: 20 },
    );

    const second = BotProcess.start({ dir, env });
    bots.push(second);
    await second.waitForLine(ACCEPTING, 'the restarted bot reconciled', 30_000);
    watch.paused = false;
    const afterReconcile = readJournal(dataDir);
    for (const p of venuePositions(sim)) {
      expect(
        afterReconcile.positions.some((l) => l.symbol === p.symbol && l.status !== 'closed'),
        `${p.symbol} recorded after the restart`,
      ).to.equal(true);
    }

    await second.waitForLine(/^TRADE (OPENED|CLOSED) /, 'trading after the restart', 30_000);
    await settleAndStop(second, sim);
    watch.stop();

    expect(watch.violations, watch.violations.join('\n')).to.deep.equal([]);
    const after = readJournal(dataDir);
    expect(auditVenueAgainstJournal(sim, after)).to.deep.equal([]);
    // Trades closed before the kill are exactly as they were: same rows, same PnL and fees.
    for (const t of before.trades) {
      const same = after.trades.find((a) => a.id === t.id);
      expect(same, `trade #${t.id} after the restart`).to.deep.equal(t);
    }
    expect(atKill.length).to.be.above(0);
    // The close that happened while the bot was down is journaled (from the venue's fills).
    expect(after.trades.length).to.be.at.least(before.trades.length + 1);
  });
});

async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)),
  );
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
