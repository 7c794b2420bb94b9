// Protective exits never wait on the journal. The executor's SQLite file lives on a small tmpfs
// (real disk full: SQLITE_FULL) — or, where mounting is not allowed, its connection is switched to
// query_only (SQLITE_READONLY) — and in a second case a page of the journal is corrupted under the
// running executor. Closes and stop moves must still reach the exchange (once each), entries must
// stop, health must hear `journal unwritable: <code> at <file>; entries stopped, exits continue`,
// and what happened must be recorded once the journal takes writes again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { TradeEvent } from '../../src/executor/index.js';
import { Store } from '../../src/store/index.js';
import { roundTrips } from '../e2e/support/venue-audit.js';
import { Harness } from './support/executor-harness.js';
import { fillDisk } from '../support/fill-disk.js';
import { mountTmpfs, unmountTmpfs } from '../support/tmpfs.js';

type HealthEvent = Extract<TradeEvent, { type: 'health' }>;
const REASON = /^journal unwritable: (SQLITE_[A-Z_]+) at (.+); entries stopped, exits continue$/;

describe('OrderExecutor: journal unwritable while running', function () {
  this.timeout(30_000);
  let h: Harness;
  let dir: string;
  let mounted = false;
  let store: Store | undefined;

  beforeEach(async () => {
    h = await Harness.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-full-'));
    mounted = mountTmpfs(dir, 'size=3m');
  });

  afterEach(async () => {
    store?.close();
    store = undefined;
    if (mounted) unmountTmpfs(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    await h.close();
  });

  const journalHealth = (): HealthEvent[] => h.eventsOf('health').filter((e) => e.key === 'journal');

  it('disk full: a close and a stop move go out, entries stop, health UNHEALTHY; all recorded once writable again', async () => {
    const file = path.join(dir, 'bot.sqlite');
    store = Store.open({ path: file });
    const port = h.port();
    const ex = h.executor(port, store);
    const [a, b, c] = [h.symbol(0), h.symbol(1), h.symbol(2)];
    const openedA = await ex.openPosition(h.signal(a, 'long', 0.01));
    const openedB = await ex.openPosition(h.signal(b, 'short', 0.01));
    expect(openedA.ok && openedB.ok).to.equal(true);
    if (!openedA.ok || !openedB.ok) return;

    let filler: string | undefined;
    if (mounted) filler = fillDisk(dir);
    else (store as unknown as { db: { pragma(s: string): unknown } }).db.pragma('query_only = ON');

    // A stop move (tighten A's stop) and a take-profit close of B, with the journal refusing writes.
    const tighter = openedA.position.stopPrice! + (h.sim.market.top(a).last - openedA.position.stopPrice!) / 2;
    const moved = await ex.moveStop(a, tighter);
    expect(moved.ok, JSON.stringify(moved)).to.equal(true);
    h.moveTo(b, h.sim.market.top(b).last * 0.998);
    const closed = await ex.closePosition(b, 'take-profit');
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    expect(h.sim.engine.ledger.find(b)?.qty ?? 0).to.equal(0);
    expect(port.exitPlaces.filter((p) => p.symbol === b)).to.have.length(1);
    const stopsA = h.venueStops(a);
    expect(stopsA).to.have.length(1);
    expect(stopsA[0]!.stopPrice).to.be.above(openedA.position.stopPrice!);
    // The close is reported once, and not offered to the monitor again.
    expect(h.eventsOf('closed').map((e) => e.symbol)).to.deep.equal([b]);
    expect(ex.openPositions().map((p) => p.symbol)).to.deep.equal([a]);

    // Entries stop, and say why.
    const refused = await ex.openPosition(h.signal(c));
    expect(refused.ok).to.equal(false);
    if (!refused.ok) expect(refused.reason).to.match(/journal unwritable/);
    expect(port.entryPlaces.filter((p) => p.symbol === c)).to.have.length(0);
    const down = journalHealth().at(-1)!;
    expect(down.status).to.equal('UNHEALTHY');
    const m = REASON.exec(down.reason);
    expect(m, down.reason).to.not.equal(null);
    expect(m![1]).to.equal(mounted ? 'SQLITE_FULL' : 'SQLITE_READONLY');
    expect(m![2]).to.equal(file);
    // Still unwritable: a reconciliation pass changes nothing and reports it.
    const blocked = await ex.reconcile();
    expect(blocked.errors.join()).to.match(/journal unwritable/);

    // Writable again: the deferred writes are recorded, health clears, entries resume.
    if (filler !== undefined) fs.rmSync(filler);
    else (store as unknown as { db: { pragma(s: string): unknown } }).db.pragma('query_only = OFF');
    const report = await ex.reconcile();
    expect(report.errors).to.deep.equal([]);
    expect(journalHealth().at(-1)!.status).to.equal(null);
    const trades = store.trades.recent(10);
    expect(trades.map((t) => t.symbol)).to.deep.equal([b]);
    const trip = roundTrips(h.sim).find((t) => t.symbol === b)!;
    expect(trades[0]!.realisedPnl).to.be.closeTo(trip.net, 0.005);
    expect(store.positions.activeForSymbol(b)).to.equal(undefined);
    const posA = store.positions.activeForSymbol(a)!;
    expect(posA.stopOrderId).to.equal(stopsA[0]!.id);
    expect(
      store.intents.unresolvedIntents().filter((i) => i.kind !== 'stop' && i.kind !== 'stop-update'),
    ).to.deep.equal([]);
    expect(report.stopsPlaced).to.deep.equal([]);
    const reopened = await ex.openPosition(h.signal(c));
    expect(reopened.ok, JSON.stringify(reopened)).to.equal(true);
  });

  it('the disk fills as an entry fills: the position is protected, guarded, moved and closed all the same, and booked once writable', async () => {
    const file = path.join(dir, 'bot.sqlite');
    store = Store.open({ path: file });
    const s = store;
    const port = h.port();
    const ex = h.executor(port, s);
    const [a, c] = [h.symbol(0), h.symbol(2)];
    let filler: string | undefined;
    let armed = true;
    port.interceptPlace = async (req, forward) => {
      const answer = await forward();
      if (armed && req.stop === undefined && req.reduceOnly !== true) {
        armed = false;
        if (mounted) filler = fillDisk(dir);
        else (s as unknown as { db: { pragma(q: string): unknown } }).db.pragma('query_only = ON');
      }
      return answer;
    };
    const signal = h.signal(a, 'long', 0.01);
    const opened = await ex.openPosition(signal);
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    expect(opened.position.id).to.be.below(0);
    expect(h.venueStops(a)).to.have.length(1);
    expect(ex.openPositions().map((p) => p.symbol)).to.deep.equal([a]);

    const tighter = opened.position.stopPrice! + (h.sim.market.top(a).last - opened.position.stopPrice!) / 2;
    const moved = await ex.moveStop(a, tighter);
    expect(moved.ok, JSON.stringify(moved)).to.equal(true);
    h.moveTo(a, h.sim.market.top(a).last * 1.002);
    const closed = await ex.closePosition(a, 'take-profit');
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    expect(h.sim.engine.ledger.find(a)?.qty ?? 0).to.equal(0);
    expect(ex.openPositions()).to.deep.equal([]);
    expect((await ex.openPosition(h.signal(c))).ok).to.equal(false);

    if (filler !== undefined) fs.rmSync(filler);
    else (s as unknown as { db: { pragma(q: string): unknown } }).db.pragma('query_only = OFF');
    const report = await ex.reconcile();
    expect(report.errors).to.deep.equal([]);
    const trades = s.trades.recent(10);
    expect(trades.map((t) => t.symbol)).to.deep.equal([a]);
    const trip = roundTrips(h.sim).find((t) => t.symbol === a)!;
    expect(trades[0]!.realisedPnl).to.be.closeTo(trip.net, 0.005);
    expect(s.positions.active()).to.deep.equal([]);
    // Reported once, when it closed; not again when it was booked.
    expect(h.eventsOf('closed').map((e) => e.symbol)).to.deep.equal([a]);
  });

  it('a corrupt page under the running executor: the close still goes out, entries stop, health names SQLITE_CORRUPT', async () => {
    const file = path.join(dir, 'bot.sqlite');
    store = Store.open({ path: file });
    const ex = h.executor(h.port(), store);
    const [a, c] = [h.symbol(0), h.symbol(2)];
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    // Everything into the main file, then garbage over the order journal's page; another
    // connection's write makes the executor's connection drop its page cache, as a second process would.
    store.checkpoint();
    const probe = Store.open({ path: file });
    const { rootpage } = (probe as unknown as { db: { prepare(s: string): { get(): { rootpage: number } } } }).db
      .prepare("SELECT rootpage FROM sqlite_master WHERE name = 'order_intents'")
      .get();
    const pageSize = 4096;
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
    fs.closeSync(fd);
    probe.events.recordAlert({ kind: 'test', subject: 'test', message: 'invalidate caches' });
    probe.close();

    h.moveTo(a, h.sim.market.top(a).last * 1.002);
    const closed = await ex.closePosition(a, 'take-profit');
    expect(h.sim.engine.ledger.find(a)?.qty ?? 0, JSON.stringify(closed)).to.equal(0);
    const refused = await ex.openPosition(h.signal(c));
    expect(refused.ok).to.equal(false);
    const down = journalHealth().at(-1)!;
    expect(down.status).to.equal('UNHEALTHY');
    expect(REASON.exec(down.reason)?.[1]).to.match(/^SQLITE_CORRUPT/);
  });
});
