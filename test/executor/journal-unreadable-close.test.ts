// A close while the journal's positions cannot be read (a corrupt page): the exit is sized from the
// exchange's position, so it must still be journaled and sent (issue 10b), be capped at what the bot
// last knew it held (never someone else's lots merged into it, issue 17), be refused on symbols
// that are not the bot's, and not share its single-flight with other symbols' closes. Real
// simulator over HTTP, a real SQLite file whose `positions` page is overwritten under the executor.
import fs from 'node:fs';
import { expect } from 'chai';
import { SOLE_OWNER } from '../../src/executor/symbol-ownership.js';
import { Store } from '../../src/store/index.js';
import { Harness } from './support/executor-harness.js';

/**
 * Garbage over `table`'s root page; another connection's write makes `store` drop its page cache.
 * Returns a function that puts the page back (the journal readable again).
 */
function corruptTable(store: Store, file: string, table: string): () => void {
  store.checkpoint();
  const probe = Store.open({ path: file });
  const { rootpage } = (
    probe as unknown as { db: { prepare(s: string): { get(name: string): { rootpage: number } } } }
  ).db
    .prepare('SELECT rootpage FROM sqlite_master WHERE name = ?')
    .get(table);
  const pageSize = 4096;
  const original = Buffer.alloc(pageSize);
  const fd = fs.openSync(file, 'r+');
  fs.readSync(fd, original, 0, pageSize, (rootpage - 1) * pageSize);
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  fs.closeSync(fd);
  probe.events.recordAlert({ kind: 'test', subject: 'test', message: 'invalidate caches' });
  probe.close();
  return () => {
    const back = fs.openSync(file, 'r+');
    fs.writeSync(back, original, 0, pageSize, (rootpage - 1) * pageSize);
    fs.closeSync(back);
  };
}

describe('OrderExecutor: closing while the journal cannot be read (issues 10b x 17)', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start({ contracts: 4 });
  });

  afterEach(async () => {
    await h.close();
  });

  const qty = (symbol: string): number => h.sim.engine.ledger.find(symbol)?.qty ?? 0;

  it('positions unreadable: the exit is journaled and sent; two symbols closed at once are two exits', async () => {
    const [a, b] = [h.symbol(0), h.symbol(1)];
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    for (const s of [a, b]) expect((await ex.openPosition(h.signal(s))).ok).to.equal(true);
    expect((await ex.reconcile()).errors).to.deep.equal([]);
    corruptTable(store, h.file, 'positions');

    const [ca, cb] = await Promise.all([ex.closePosition(a, 'manual'), ex.closePosition(b, 'manual')]);
    expect(ca.ok).to.equal(false); // sent; the trade is booked once the journal can be read
    expect(cb.ok).to.equal(false);
    expect(qty(a), JSON.stringify(ca)).to.equal(0);
    expect(qty(b), JSON.stringify(cb)).to.equal(0);
    expect(port.exitPlaces.map((p) => p.symbol).sort()).to.deep.equal([a, b].sort());
    // Journaled: reconciliation resolves them by clientOid like any other exit.
    for (const p of port.exitPlaces) expect(store.intents.get(p.clientOid!)?.kind, p.clientOid).to.equal('exit');
  });

  it("readable again: each close is booked once, at the venue's price, and nothing is left in flight", async () => {
    const a = h.symbol(0);
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    expect((await ex.openPosition(h.signal(a))).ok).to.equal(true);
    expect((await ex.reconcile()).errors).to.deep.equal([]);
    const restore = corruptTable(store, h.file, 'positions');
    await ex.closePosition(a, 'manual');
    expect(qty(a)).to.equal(0);

    restore();
    // Another connection's write again, so the executor's connection re-reads the restored page.
    const other = h.store();
    other.events.recordAlert({ kind: 'test', subject: 'test', message: 'invalidate caches' });
    const report = await ex.reconcile();
    expect(report.errors).to.deep.equal([]);
    expect(report.positionsUnsettled).to.deep.equal([]);
    const trades = store.trades.recent(10);
    expect(trades.map((t) => t.symbol)).to.deep.equal([a]);
    const exitOrder = port.exitPlaces[0]!;
    const venueExit = h.sim.engine.listFills({ orderId: h.sim.engine.orderByClientOid(exitOrder.clientOid!)!.id });
    expect(trades[0]!.exitPrice).to.be.closeTo(venueExit[0]!.price, 1e-9);
    expect(store.intents.unresolvedIntents().filter((i) => i.kind === 'exit')).to.deep.equal([]);
    expect(store.positions.activeForSymbol(a)).to.equal(undefined);
    expect((await ex.reconcile()).errors).to.deep.equal([]);
    expect(store.trades.recent(10)).to.have.length(1);
  });

  it('a position just opened, with no pass or read since, is closed all the same', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    corruptTable(store, h.file, 'positions');
    await ex.closePosition(a, 'manual');
    expect(port.exitPlaces.map((p) => [p.symbol, p.size])).to.deep.equal([[a, opened.position.size]]);
    expect(qty(a)).to.equal(0);
  });

  it("capped at the bot's last known size: someone's lots merged into ours stay, a symbol that is not ours gets no exit", async () => {
    const [a, c] = [h.symbol(0), h.symbol(2)];
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    const ours = opened.position.size;
    // A person's entry merges into ours (one-way mode), and a person's position on another symbol.
    await h
      .client()
      .placeOrder({ clientOid: 'manual-merge-a', symbol: a, side: 'buy', type: 'market', size: 4, leverage: 3 });
    await h
      .client()
      .placeOrder({ clientOid: 'manual-open-c', symbol: c, side: 'buy', type: 'market', size: 3, leverage: 3 });
    await ex.reconcile();
    corruptTable(store, h.file, 'positions');

    await ex.closePosition(a, 'manual');
    expect(port.exitPlaces.map((p) => [p.symbol, p.size])).to.deep.equal([[a, ours]]);
    expect(qty(a)).to.equal(4);
    const refused = await ex.closePosition(c, 'manual');
    expect(refused.ok).to.equal(false);
    expect(port.exitPlaces.filter((p) => p.symbol === c)).to.deep.equal([]);
    expect(qty(c)).to.equal(3);
  });

  it('a symbol another process took over gets no exit from the exchange view', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const port = h.port();
    let takenOver = false;
    const ex = h.executor(port, store, { botId: 'mine1', ownership: { ...SOLE_OWNER, mayTrade: () => !takenOver } });
    expect((await ex.openPosition(h.signal(a))).ok).to.equal(true);
    await ex.reconcile();
    corruptTable(store, h.file, 'positions');
    takenOver = true;
    const refused = await ex.closePosition(a, 'manual');
    expect(refused.ok).to.equal(false);
    expect(port.exitPlaces).to.deep.equal([]);
    expect(qty(a)).to.not.equal(0);
  });
});
