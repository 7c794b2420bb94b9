// End to end, the operator controls against a running paper bot (an in-process simulator on
// SIM_URL, so the test sees the venue): pause blocks entries while open positions keep their
// exchange stops and exits go on; the status server's control POSTs need the token; close all
// leaves the venue flat with one close per position, each recorded; a pause survives a restart;
// breaker reset closes breakers an outage opened, before their own recovery probe would.
import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { waitUntil } from '../support/wait-until.js';
import { BotProcess } from './support/bot-process.js';
import { runCtl } from './support/ctl.js';
import { E2E_MARKET } from './support/e2e-market.js';
import {
  ProtectionWatch,
  entryOrders,
  freezeMarket,
  readJournal,
  roundTrips,
  venuePositions,
} from './support/venue-audit.js';

const TOKEN = 'ctl-test-token';
const SCAN_WITH_PROPOSALS = /scan complete .*"proposed":[1-9]/;

async function post(
  statusUrl: string,
  command: string,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${statusUrl}/control/${command}`, {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('e2e: operator controls', function () {
  this.timeout(180_000);
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

  it('pause blocks entries with positions protected; close all leaves the venue flat; the pause survives a restart', async () => {
    sim = await startSimulator(E2E_MARKET);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-ctl-'));
    const dataDir = path.join(dir, 'data');
    const env = { SIM_URL: sim.url, STATUS_TOKEN: TOKEN };
    bot = BotProcess.start({ dir, env });
    const statusUrl = await bot.statusUrl();
    watch = new ProtectionWatch(sim, 3000);
    await bot.waitForLine(/^TRADE OPENED /, 'a first position', 60_000);

    // pause over the local socket, owner-only
    const paused = await runCtl(dataDir, dir, 'pause');
    expect(paused.code, paused.stderr).to.equal(0);
    expect(paused.stdout).to.match(/ok pause: entries paused/);
    expect(statSync(path.join(dataDir, 'ctl.sock')).mode & 0o777).to.equal(0o600);
    const pausedAt = bot.lines.length;
    await bot.waitForLine(/^ALERT OPERATOR pause: via npm run ctl/, 'the pause alert', 10_000);
    // Entries already past the switch finish; then three scans propose and nothing new is sent.
    await bot.waitForLine(SCAN_WITH_PROPOSALS, 'a scan after the pause', 30_000, { from: pausedAt });
    const entriesAfterPause = entryOrders(sim).length;
    const openedAfterPause = bot.trades('OPENED').length;
    const from = bot.lines.length;
    await bot.waitForLine(SCAN_WITH_PROPOSALS, 'three more scans with proposals while paused', 40_000, {
      from,
      count: 3,
    });
    expect(entryOrders(sim), 'an entry reached the venue while paused').to.have.length(entriesAfterPause);
    expect(bot.trades('OPENED')).to.have.length(openedAfterPause);

    // The status server: no token, no command; with it, the same commands.
    expect((await post(statusUrl, 'resume')).status).to.equal(401);
    const resumed = await post(statusUrl, 'resume', TOKEN);
    expect(resumed.status).to.equal(200);
    expect(resumed.body).to.include({ ok: true, paused: false, source: 'http' });
    const resumedAt = bot.lines.length;
    await bot.waitForLine(/^TRADE OPENED /, 'an entry after resume', 60_000, { from: resumedAt });
    expect((await post(statusUrl, 'pause', TOKEN)).body).to.include({ ok: true, paused: true });
    // Hold prices, so nothing closes by itself, and let entries in flight settle (one scan).
    freezeMarket(sim);
    await bot.waitForLine(/scan complete/, 'a scan after the second pause', 30_000, { from: bot.lines.length });
    // The journal catches up with the venue within a reconciliation (an exit in flight, a fill just in).
    const venueSim = sim;
    const openSymbols = (): { venue: string[]; journal: string[] } => ({
      venue: venuePositions(venueSim)
        .map((p) => p.symbol)
        .sort(),
      journal: readJournal(dataDir)
        .positions.filter((p) => p.status !== 'closed')
        .map((p) => p.symbol)
        .sort(),
    });
    await waitUntil(
      'journal and venue to agree on at least one open position',
      () => {
        const o = openSymbols();
        return o.venue.length > 0 && o.venue.join() === o.journal.join() ? true : undefined;
      },
      { timeoutMs: 20_000, diagnostics: () => JSON.stringify(openSymbols()) },
    );
    const before = venuePositions(sim);

    const closedFrom = bot.lines.length;
    const closeAll = await runCtl(dataDir, dir, 'close', 'all');
    expect(closeAll.code, closeAll.stdout + closeAll.stderr).to.equal(0);
    expect(closeAll.stdout).to.match(new RegExp(`ok close all: ${before.length} closed`));
    expect(venuePositions(sim), 'venue not flat after close all').to.deep.equal([]);
    const manualCloses = bot.matching(/^TRADE CLOSED .*\(manual\)/, closedFrom);
    expect(manualCloses.map((l) => l.text.split(' ')[2]).sort()).to.deep.equal(before.map((p) => p.symbol).sort());
    // One closing order per position on the venue, and each close in the journal as manual.
    for (const p of before) {
      const trip = roundTrips(sim)
        .filter((t) => t.symbol === p.symbol)
        .at(-1)!;
      expect(trip.complete, p.symbol).to.equal(true);
      expect(trip.closingOrderIds, `${p.symbol} closed by more than one order`).to.have.length(1);
    }
    const manualTrades = readJournal(dataDir)
      .trades.filter((t) => t.closeReason === 'manual')
      .map((t) => t.symbol);
    expect(manualTrades.sort()).to.deep.equal(before.map((p) => p.symbol).sort());
    expect(watch.violations, 'a position went without its exchange stop').to.deep.equal([]);
    expect(watch.samplesWithPositions).to.be.above(0);

    // A paused bot stays paused across a restart (same journal: SIM_URL keeps it).
    const exit = await bot.interrupt(30_000);
    expect(exit.code, bot.tail()).to.equal(0);
    const entriesBeforeRestart = entryOrders(sim).length;
    for (const s of sim.symbols) sim.market.pin(s, null);
    bot = BotProcess.start({ dir, env });
    await bot.waitForLine(/^Entries are PAUSED by the operator/, 'the paused banner after the restart', 60_000);
    const status = await runCtl(dataDir, dir, 'status');
    expect(status.stdout).to.match(/entries PAUSED since/);
    expect(status.stdout).to.match(/close-all \(socket\) ok/);
    await bot.waitForLine(SCAN_WITH_PROPOSALS, 'two scans with proposals after the restart', 60_000, { count: 2 });
    expect(entryOrders(sim)).to.have.length(entriesBeforeRestart);
  });

  it('breaker reset closes the breakers an exchange outage opened', async () => {
    sim = await startSimulator(E2E_MARKET);
    dir = mkdtempSync(path.join(tmpdir(), 'e2e-ctl-breaker-'));
    const dataDir = path.join(dir, 'data');
    bot = BotProcess.start({ dir, env: { SIM_URL: sim.url } });
    const statusUrl = await bot.statusUrl();
    await bot.waitForLine(/all workers reported in/, 'the workers', 60_000);
    sim.faults.set('5xx=1');
    await bot.waitForLine(/exchange circuit breaker CLOSED -> OPEN/, 'a breaker opening', 60_000);
    sim.faults.clear();
    const reset = await runCtl(dataDir, dir, 'breaker', 'reset');
    expect(reset.code, reset.stdout + reset.stderr).to.equal(0);
    expect(reset.stdout).to.match(/breaker (OPEN|HALF_OPEN) -> CLOSED/);
    // The health verdict drops the breaker reason once the workers' gauges say closed.
    await waitUntil(
      'no breaker reason in /health',
      async () => {
        const h = (await (await fetch(`${statusUrl}/health`)).json()) as { overall_health: { reasons: string[] } };
        return h.overall_health.reasons.some((r) => /breaker/.test(r)) ? undefined : true;
      },
      { timeoutMs: 20_000, diagnostics: () => bot!.tail() },
    );
    expect(bot.matching(/^ALERT OPERATOR breaker reset: via npm run ctl/)).to.have.length(1);
  });
});
