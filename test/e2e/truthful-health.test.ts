// Truthful health of the whole bot under faults it cannot prevent: the simulator restarted under a
// bot on SIM_URL (its positions vanish: they are `unsettled`, no PnL is booked, /health is DEGRADED
// naming them and shows positions.unsettled), and the journal's disk filling up while it trades
// (/health is UNHEALTHY with the journal reason and one alert, exits keep going out, and health
// recovers when the disk has room again).
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { BotProcess } from './support/bot-process.js';
import { E2E_MARKET } from './support/e2e-market.js';
import { freezeMarket, readJournal, venuePositions } from './support/venue-audit.js';
import { waitUntil } from '../support/wait-until.js';
import { fillDisk } from '../support/fill-disk.js';
import type { HealthReport } from '../../src/health/health-report.js';
import { fetchHealth } from './support/fetch-health.js';
import { mountTmpfs, unmountTmpfs } from '../support/tmpfs.js';

describe('e2e: truthful health under faults', function () {
  this.timeout(120_000);
  const sims: SimulatorHandle[] = [];
  const bots: BotProcess[] = [];
  let dir: string | undefined;
  let mountedAt: string | undefined;

  afterEach(async () => {
    for (const b of bots.splice(0)) {
      b.kill();
      await b.exited;
    }
    for (const s of sims.splice(0)) await s.close();
    if (mountedAt !== undefined) unmountTmpfs(mountedAt, { lazy: true });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = mountedAt = undefined;
  });

  it('the simulator restarted under a bot on SIM_URL: vanished positions are unsettled, 0 PnL booked, /health DEGRADED naming them', async () => {
    const first = await startSimulator(E2E_MARKET);
    sims.push(first);
    dir = fs.mkdtempSync(path.join(tmpdir(), 'e2e-sim-restart-'));
    const bot = BotProcess.start({ dir, env: { SIM_URL: first.url } });
    bots.push(bot);
    const status = await bot.statusUrl();
    await waitUntil('an open position on the venue', () => venuePositions(first).length > 0, {
      timeoutMs: 40_000,
      intervalMs: 100,
    });
    freezeMarket(first);
    await bot.waitForLine(/reconciled \{/, 'a reconciliation after the freeze', 20_000, { from: bot.lines.length });
    const dataDir = path.join(dir, 'data');
    // What the venue holds when it goes away: exactly these positions vanish.
    const vanished = venuePositions(first)
      .map((p) => p.symbol)
      .sort();
    expect(vanished.length, bot.tail()).to.be.greaterThan(0);
    const port = Number(new URL(first.url).port);
    await first.close();
    const restartedAt = Date.now();
    // The same venue address, a fresh venue: no positions, no orders, no fills; a frozen market.
    const second = await startSimulator({ ...E2E_MARKET, port, speed: 0.000001 });
    sims.push(second);

    let seen: HealthReport | undefined;
    await waitUntil(
      `/health positions.unsettled = ${vanished.length} (${vanished.join(', ')})`,
      async () => {
        seen = await fetchHealth(status).catch(() => undefined);
        return seen !== undefined && seen.positions.unsettled === vanished.length;
      },
      { timeoutMs: 40_000, intervalMs: 100 },
    );
    expect(seen!.overall_health.status).to.not.equal('HEALTHY');
    const reason = seen!.overall_health.reasons.find((r) => r.startsWith('positions unsettled'));
    expect(reason, seen!.overall_health.reasons.join('; ')).to.be.a('string');
    for (const symbol of vanished) expect(reason).to.contain(symbol);

    const after = readJournal(dataDir);
    const booked = after.trades.filter((t) => vanished.includes(t.symbol) && t.closedAt >= restartedAt);
    expect(booked, 'no trade (no PnL) booked for a vanished position').to.deep.equal([]);
    for (const symbol of vanished) {
      expect(
        after.positions.some((p) => p.symbol === symbol && p.status !== 'closed'),
        `${symbol} still recorded as not closed`,
      ).to.equal(true);
    }
    expect(bot.matching(/recording the close at the stop price/)).to.deep.equal([]);
  });

  it('the journal disk fills up while trading: /health UNHEALTHY with the journal reason, one alert, exits continue, recovery when space returns', async function () {
    dir = fs.mkdtempSync(path.join(tmpdir(), 'e2e-journal-full-'));
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    if (!mountTmpfs(dataDir, 'size=6m')) this.skip(); // needs root (CI runs as root)
    mountedAt = dataDir;
    const sim = await startSimulator(E2E_MARKET);
    sims.push(sim);
    const bot = BotProcess.start({ dir, env: { SIM_URL: sim.url, ALERT_COOLDOWN: '3600' } });
    bots.push(bot);
    const status = await bot.statusUrl();
    await waitUntil('an open position on the venue', () => venuePositions(sim).length > 0, {
      timeoutMs: 40_000,
      intervalMs: 100,
    });

    const filler = fillDisk(dataDir);
    const file = path.join(dataDir, 'bot.sqlite');
    const reason = new RegExp(
      `^journal unwritable: SQLITE_[A-Z_]+ at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; entries stopped, exits continue$`,
    );
    let seen: HealthReport | undefined;
    await waitUntil(
      '/health naming the unwritable journal',
      async () => {
        seen = await fetchHealth(status).catch(() => undefined);
        return seen?.overall_health.reasons.some((r) => reason.test(r));
      },
      { timeoutMs: 40_000, intervalMs: 100 },
    );
    expect(seen!.overall_health.status).to.equal('UNHEALTHY');
    // Entry orders the venue has once the bot knows: an entry already on its way may land, no new one is sent.
    const entryOrders = (): number =>
      sim.engine.listOrders({}).filter((o) => !o.reduceOnly && !o.closeOrder && o.stop === null).length;
    const entriesAtFailure = entryOrders();
    const mark = bot.lines.length;
    // Exits keep going out while the journal is down (the market trends: stops trail and fire).
    await bot.waitForLine(/^TRADE (CLOSED|STOP MOVED) /, 'an exit or stop move with the journal down', 60_000, {
      from: mark,
    });
    expect(entryOrders(), 'no entry order sent while the journal is down').to.equal(entriesAtFailure);
    await bot.waitForLine(/reconciled|journal unwritable/, 'another pass', 10_000, { from: bot.lines.length });
    // At LOG_LEVEL=debug the alert also shows inside its warn record: count the alert lines only.
    expect(bot.matching(/^ALERT JOURNAL UNWRITABLE/), bot.tail()).to.have.length(1);

    fs.rmSync(filler);
    await waitUntil(
      '/health without the journal reason once the disk has room',
      async () => {
        const h = await fetchHealth(status).catch(() => undefined);
        return h !== undefined && !h.overall_health.reasons.some((r) => r.startsWith('journal unwritable'));
      },
      { timeoutMs: 40_000, intervalMs: 100 },
    );
  });
});
