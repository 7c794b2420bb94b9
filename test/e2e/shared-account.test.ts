// End to end, issue 17 "touch only what is yours": real bot processes on one simulated account
// (SIM_URL, the simulator's real HTTP server). (1) A manual trader beside a running paper bot: the
// person's positions and stop orders survive several reconciliation passes and a bot restart
// untouched, unadopted, out of the bot's PnL, and the bot never opens on their symbols. (2) Two
// bot instances on one account without Redis: the contest is detected, entries on contested
// symbols stop, and neither cancels a stop of the other. (3) One DATA_DIR twice: the second start
// is refused, naming the first's pid; a SIGKILLed holder leaves no stale lock.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ANOTHER_BOT_ALERT } from '../../src/executor/account-scope.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { openDatabase, storePath } from '../../src/store/index.js';
import { SimClient } from '../simulator/signed-client.js';
import { BotProcess } from './support/bot-process.js';
import { E2E_MARKET } from './support/e2e-market.js';
import { readJournal, venueOrders, venuePositions } from './support/venue-audit.js';
import { VenueProxy } from './support/venue-proxy.js';
import { fetchHealth } from './support/fetch-health.js';

const ACCEPTING = /reconciled with the exchange; accepting entries/;
const PASS = /reconciled \{/;
const ALERT_LINE = new RegExp(ANOTHER_BOT_ALERT.replace(/[()]/g, '\\$&'));

/** The bot id from its start line `bot id <id>: orders carry ...`. */
async function botIdOf(bot: BotProcess): Promise<string> {
  const line = await bot.waitForLine(/bot id ([A-Za-z0-9]+): orders carry/, 'the bot id line', 30_000);
  return /bot id ([A-Za-z0-9]+):/.exec(line.text)![1]!;
}

/** Waits for `n` more reconciliation passes from now. */
async function passes(bot: BotProcess, n: number, timeoutMs = 60_000): Promise<void> {
  await bot.waitForLine(PASS, `${n} more reconciliation passes`, timeoutMs, { from: bot.lines.length, count: n });
}

describe('e2e: the bot touches only its own orders and positions (shared account)', function () {
  this.timeout(240_000);
  let sim: SimulatorHandle | undefined;
  const proxies: VenueProxy[] = [];
  const bots: BotProcess[] = [];
  const dirs: string[] = [];
  let person: SimClient | undefined;

  afterEach(async () => {
    for (const b of bots.splice(0)) {
      b.kill();
      await b.exited;
    }
    for (const p of proxies.splice(0)) await p.close();
    person?.close();
    await sim?.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    sim = person = undefined;
  });

  function tempDir(prefix: string): string {
    const d = mkdtempSync(path.join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  }

  /** A manual position with a wide protective stop (far enough that the market never reaches it here). */
  async function manualPosition(symbol: string, side: 'buy' | 'sell', size: number, tag: string): Promise<void> {
    await person!.data('POST', '/api/v1/orders', {
      clientOid: `manual-${tag}-open`,
      symbol,
      side,
      type: 'market',
      size,
      leverage: 2,
    });
    const price = sim!.market.markPrice(symbol);
    const long = side === 'buy';
    const contracts = await person!.data<Array<{ symbol: string; tickSize: number }>>(
      'GET',
      '/api/v1/contracts/active',
    );
    const tick = contracts.find((c) => c.symbol === symbol)!.tickSize;
    const decimals = Math.max(0, -Math.floor(Math.log10(tick)));
    const stopPrice = (Math.round((long ? price * 0.4 : price * 1.8) / tick) * tick).toFixed(decimals);
    await person!.data('POST', '/api/v1/orders', {
      clientOid: `manual-${tag}-stop`,
      symbol,
      side: long ? 'sell' : 'buy',
      type: 'market',
      size,
      leverage: 2,
      reduceOnly: true,
      stop: long ? 'down' : 'up',
      stopPrice,
      stopPriceType: 'MP',
    });
  }

  it("a manual trader's positions and stop orders: untouched, unadopted and out of the PnL across reconciliation passes and a restart; no entry on their symbols", async () => {
    sim = await startSimulator(E2E_MARKET);
    person = new SimClient(sim.url, sim.credentials);
    // The symbols this market's bot opens first (measured), so the refusal is really exercised.
    const manual: Record<string, 'buy' | 'sell'> = { XBTUSDTM: 'buy', RENDERUSDTM: 'sell' };
    for (const [symbol, side] of Object.entries(manual))
      await manualPosition(symbol, side, symbol === 'XBTUSDTM' ? 3 : 400, symbol.toLowerCase());
    // And a stray stop on a symbol nobody holds.
    await person.data('POST', '/api/v1/orders', {
      clientOid: 'manual-stray-stop',
      symbol: 'ETCUSDTM',
      side: 'sell',
      type: 'market',
      size: 1,
      leverage: 2,
      reduceOnly: true,
      stop: 'down',
      stopPrice: '0.01',
      stopPriceType: 'MP',
    });

    const dir = tempDir('e2e-manual-');
    const dataDir = path.join(dir, 'data');
    const first = BotProcess.start({ dir, env: { SIM_URL: sim.url } });
    bots.push(first);
    await first.waitForLine(ACCEPTING, 'the first complete reconciliation', 60_000);
    // One more manual position while the bot runs, on a symbol it is not in.
    const inBot = new Set(
      readJournal(dataDir)
        .positions.filter((p) => p.status !== 'closed')
        .map((p) => p.symbol),
    );
    const late = ['INJUSDTM', 'LINKUSDTM', 'DOTUSDTM'].find((s) => !inBot.has(s))!;
    await manualPosition(late, 'buy', 50, 'late');
    manual[late] = 'buy';
    const symbols = Object.keys(manual);
    const manualStops = (): Array<[string, number | null, number, string]> =>
      sim!.engine
        .listStopOrders({})
        .filter((o) => o.clientOid?.startsWith('manual-'))
        .map((o) => [o.clientOid!, o.stopPrice, o.size, o.status] as [string, number | null, number, string])
        .sort((a, b) => a[0].localeCompare(b[0]));
    const stopsBefore = manualStops();
    expect(stopsBefore).to.have.length(4);
    const positionsBefore = venuePositions(sim).filter((p) => symbols.includes(p.symbol));
    expect(positionsBefore).to.have.length(3);

    await passes(first, 4);
    const exit = await first.interrupt(30_000);
    expect(exit.code, first.tail()).to.equal(0);

    const second = BotProcess.start({ dir, env: { SIM_URL: sim.url } });
    bots.push(second);
    await second.waitForLine(ACCEPTING, 'the first complete reconciliation after the restart', 60_000);
    await passes(second, 3);
    const report = await fetchHealth(await second.statusUrl());

    // Untouched: the same stops, the same positions, and not one order of the bot on those symbols
    // (no entry, no close, no stop, no trailing, no resize).
    expect(manualStops()).to.deep.equal(stopsBefore);
    expect(venuePositions(sim).filter((p) => symbols.includes(p.symbol))).to.deep.equal(positionsBefore);
    const botOrdersThere = venueOrders(sim).filter((o) => o.clientOid?.startsWith('kb_') && symbols.includes(o.symbol));
    expect(botOrdersThere.map((o) => `${o.symbol} ${o.clientOid}`)).to.deep.equal([]);
    // Not adopted, not booked.
    expect([...first.trades('ADOPTED'), ...second.trades('ADOPTED')].map((l) => l.text)).to.deep.equal([]);
    const journal = readJournal(dataDir);
    expect(journal.positions.filter((p) => symbols.includes(p.symbol))).to.deep.equal([]);
    expect(journal.trades.filter((t) => symbols.includes(t.symbol))).to.deep.equal([]);
    const manualOrderIds = venueOrders(sim)
      .filter((o) => o.clientOid?.startsWith('manual-'))
      .map((o) => o.id);
    const db = openDatabase({ path: storePath(dataDir), readonly: true });
    try {
      const booked = db
        .prepare(`SELECT order_id FROM fills WHERE order_id IN (${manualOrderIds.map(() => '?').join(',')})`)
        .all(...manualOrderIds);
      expect(booked).to.deep.equal([]);
    } finally {
      db.close();
    }
    // Shown: foreign positions with their symbols, foreign orders counted; nobody else is contesting.
    expect(report.positions.foreign.symbols).to.deep.equal([...symbols].sort());
    expect(report.orders.foreign).to.equal(4);
    expect(report.orders.contested_symbols).to.deep.equal([]);
    const exit2 = await second.interrupt(30_000);
    expect(exit2.code, second.tail()).to.equal(0);
  });

  it('two bot instances on one account without Redis: contest detected, entries on contested symbols stop, no stop of either cancelled by the other', async () => {
    sim = await startSimulator(E2E_MARKET);
    // Each bot talks to the venue through its own proxy, so every cancel is attributable to its sender.
    const pa = await VenueProxy.start(sim.url);
    const pb = await VenueProxy.start(sim.url);
    proxies.push(pa, pb);
    const a = BotProcess.start({ dir: tempDir('e2e-bot-a-'), env: { SIM_URL: pa.url } });
    const b = BotProcess.start({ dir: tempDir('e2e-bot-b-'), env: { SIM_URL: pb.url } });
    bots.push(a, b);
    const [idA, idB] = await Promise.all([botIdOf(a), botIdOf(b)]);
    expect(idA).to.not.equal(idB);

    // Whichever sees the other first: both alert once the other has an order or a position on the account.
    const detected = await Promise.any([
      a.waitForLine(ALERT_LINE, 'the contest alert', 120_000).then(() => a),
      b.waitForLine(ALERT_LINE, 'the contest alert', 120_000).then(() => b),
    ]);
    await Promise.all([passes(a, 3), passes(b, 3)]);

    const report = await fetchHealth(await detected.statusUrl());
    expect(report.overall_health.status).to.equal('DEGRADED');
    expect(report.overall_health.reasons.join('\n')).to.include(ANOTHER_BOT_ALERT);
    expect(report.orders.contested_symbols.length).to.be.greaterThan(0);

    // Entries on a contested symbol stop from the moment it is contested.
    for (const bot of [a, b]) {
      for (const alert of bot.matching(/^TRADE ALERT (\S+) another bot is trading this account/)) {
        const symbol = /^TRADE ALERT (\S+)/.exec(alert.text)![1]!;
        const from = bot.lines.indexOf(alert);
        expect(
          bot.trades(`OPENED ${symbol}`, from).map((l) => l.text),
          `${symbol} after its contest`,
        ).to.deep.equal([]);
      }
    }

    // No stop (nor any order) of either was cancelled by the other: every cancel a bot sent was of
    // an order with its own prefix.
    const oidById = new Map(venueOrders(sim).map((o) => [o.id, o.clientOid ?? '']));
    const targets = (p: VenueProxy): string[] =>
      p.cancels.map((c) =>
        c.startsWith('clientOid:') ? c.slice('clientOid:'.length) : (oidById.get(c) ?? `unknown order ${c}`),
      );
    expect(
      targets(pa).filter((oid) => !oid.startsWith(`kb_${idA}_`)),
      'cancels sent by bot A',
    ).to.deep.equal([]);
    expect(
      targets(pb).filter((oid) => !oid.startsWith(`kb_${idB}_`)),
      'cancels sent by bot B',
    ).to.deep.equal([]);
    // And every order each bot sent carries its own prefix.
    expect(pa.orderPosts.filter((o) => !o.clientOid.startsWith(`kb_${idA}_`))).to.deep.equal([]);
    expect(pb.orderPosts.filter((o) => !o.clientOid.startsWith(`kb_${idB}_`))).to.deep.equal([]);
  });

  it('the same DATA_DIR twice: the second start is refused naming the first pid; a SIGKILLed first leaves no stale lock', async () => {
    sim = await startSimulator(E2E_MARKET);
    const dir = tempDir('e2e-lock-');
    const first = BotProcess.start({ dir, env: { SIM_URL: sim.url } });
    bots.push(first);
    await first.statusUrl(60_000);
    const second = BotProcess.start({ dir, env: { SIM_URL: sim.url } });
    bots.push(second);
    const exit = await second.exited;
    expect(exit.code, second.output).to.equal(1);
    expect(second.output).to.match(
      new RegExp(`refusing to start: DATA_DIR .* is in use by another bot process \\(pid ${first.pid}\\)`),
    );
    expect(first.alive).to.equal(true);
    await first.crash();
    const third = BotProcess.start({ dir, env: { SIM_URL: sim.url } });
    bots.push(third);
    await third.statusUrl(60_000);
    expect(third.matching(/refusing to start/)).to.deep.equal([]);
  });
});
