// Touch only what is ours: the executor beside a person (and another bot) on one simulated account,
// over real HTTP and a real SQLite file. Nothing without the bot's prefix is cancelled, adopted or
// counted; symbols with someone else's position, or contested by another bot, get no entry.
import { expect } from 'chai';
import { ANOTHER_BOT_ALERT } from '../../src/executor/account-scope.js';
import { Harness } from './support/executor-harness.js';

describe('OrderExecutor: the account is shared (issue 17)', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start({ contracts: 4 });
  });

  afterEach(async () => {
    await h.close();
  });

  it("a person's positions and stop orders are counted, never cancelled, adopted or booked, across passes and a restart; their symbols get no entry", async () => {
    const [a, b, c] = [h.symbol(0), h.symbol(1), h.symbol(2)];
    const person = h.client();
    // A manual position with its own protective stop, a stray stop on a symbol nobody holds, and a
    // manual round trip (its fills must not become the bot's).
    await person.placeOrder({
      clientOid: 'manual-open-b',
      symbol: b,
      side: 'buy',
      type: 'market',
      size: 7,
      leverage: 3,
    });
    const price = h.sim.market.top(b).last;
    await person.placeOrder({
      clientOid: 'manual-stop-b',
      symbol: b,
      side: 'sell',
      type: 'market',
      size: 7,
      leverage: 3,
      reduceOnly: true,
      stop: 'down',
      stopPrice: Number((price * 0.9).toFixed(1)),
      stopPriceType: 'MP',
    });
    await person.placeOrder({
      clientOid: 'manual-stop-c',
      symbol: c,
      side: 'sell',
      type: 'market',
      size: 1,
      leverage: 3,
      reduceOnly: true,
      stop: 'down',
      stopPrice: 1,
      stopPriceType: 'MP',
    });
    await person.placeOrder({ clientOid: 'manual-rt-1', symbol: c, side: 'buy', type: 'market', size: 2, leverage: 3 });
    await person.placeOrder({
      clientOid: 'manual-rt-2',
      symbol: c,
      side: 'sell',
      type: 'market',
      size: 2,
      leverage: 3,
      reduceOnly: true,
    });
    const personOrders = h
      .venueOrders()
      .filter((o) => o.clientOid?.startsWith('manual-'))
      .map((o) => o.id);
    const stopsBefore = h
      .venueOrders()
      .filter((o) => o.clientOid === 'manual-stop-b' || o.clientOid === 'manual-stop-c');
    expect(stopsBefore).to.have.length(2);

    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    for (let pass = 0; pass < 3; pass++) {
      const r = await ex.reconcile();
      expect(r.errors, `pass ${pass}`).to.deep.equal([]);
      expect(r.positionsAdopted, `pass ${pass}`).to.deep.equal([]);
      expect(r.stopsCancelled, `pass ${pass}`).to.equal(0);
      expect(r.positionsForeign, `pass ${pass}`).to.deep.equal([b]);
      expect(r.ordersForeign, `pass ${pass}`).to.equal(2);
    }
    // Restart: a fresh executor on the same journal keeps the same id and the same hands-off rule.
    const store2 = h.store();
    const port2 = h.port();
    const ex2 = h.executor(port2, store2);
    const r2 = await ex2.reconcile();
    expect(r2.positionsAdopted).to.deep.equal([]);
    expect(r2.stopsCancelled).to.equal(0);

    // Every order the bot ever sent carries its prefix; it never cancelled anything of the person's.
    for (const p of [...port.places, ...port2.places]) expect(p.clientOid).to.match(/^kb_mine1_/);
    const cancelled = [...port.calls, ...port2.calls].flatMap((call) =>
      call.method === 'cancelOrderById' ? [call.orderId] : [],
    );
    expect(cancelled.filter((id) => personOrders.includes(id))).to.deep.equal([]);
    const stopsAfter = h
      .venueOrders()
      .filter((o) => o.clientOid === 'manual-stop-b' || o.clientOid === 'manual-stop-c');
    expect(stopsAfter.map((o) => [o.id, o.stopPrice, o.size])).to.deep.equal(
      stopsBefore.map((o) => [o.id, o.stopPrice, o.size]),
    );

    // Not adopted, not booked: only the bot's own position, fills and no trades.
    expect(store2.positions.active().map((p) => p.symbol)).to.deep.equal([a]);
    for (const id of personOrders) expect(store2.fills.forOrder(id), `fills of ${id}`).to.deep.equal([]);
    expect(store2.trades.recent(50)).to.deep.equal([]);
    expect(h.eventsOf('adopted')).to.deep.equal([]);

    // No entry on the person's symbol (one-way mode would merge it into their position).
    const refused = await ex2.openPosition(h.signal(b));
    expect(refused.ok).to.equal(false);
    expect(refused.ok ? '' : refused.reason).to.match(/not the bot's/);
    expect(port2.entryPlaces.filter((p) => p.symbol === b)).to.deep.equal([]);
    const scope = ex2.accountScope();
    expect(scope.foreignPositions.map((p) => [p.symbol, p.owner])).to.deep.equal([[b, 'person']]);
    expect(scope.foreignOrders).to.equal(2);
    expect(scope.contested).to.deep.equal([]);
  });

  it('the last look before an entry refuses a symbol someone opened since the previous pass', async () => {
    const b = h.symbol(1);
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    expect((await ex.reconcile()).errors).to.deep.equal([]);
    await h
      .client()
      .placeOrder({ clientOid: 'manual-late', symbol: b, side: 'sell', type: 'market', size: 3, leverage: 3 });
    const refused = await ex.openPosition(h.signal(b));
    expect(refused.ok).to.equal(false);
    expect(port.entryPlaces).to.deep.equal([]);
  });

  it("a person's resting (not reduce-only) order closes its symbol to entries, and is never cancelled", async () => {
    const d = h.symbol(3);
    const below = Number((h.sim.market.top(d).last * 0.5).toPrecision(3));
    await h.client().placeOrder({
      clientOid: 'manual-limit',
      symbol: d,
      side: 'buy',
      type: 'limit',
      price: below,
      size: 2,
      leverage: 3,
    });
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    const r = await ex.reconcile();
    expect(r.ordersForeign).to.equal(1);
    const refused = await ex.openPosition(h.signal(d));
    expect(refused.ok).to.equal(false);
    expect(refused.ok ? '' : refused.reason).to.match(/open order that is not the bot's/);
    expect(port.places).to.deep.equal([]);
    expect(port.calls.filter((c) => c.method === 'cancelOrderById')).to.deep.equal([]);
    expect(h.venueOrders(d).filter((o) => o.clientOid === 'manual-limit' && o.status === 'open')).to.have.length(1);
  });

  it("another bot's orders contest their symbol: entries there stop and the alert is raised; its stops are never cancelled", async () => {
    const [a, b] = [h.symbol(0), h.symbol(1)];
    const other = h.client();
    await other.placeOrder({
      clientOid: 'kb_other7_eabc1',
      symbol: b,
      side: 'buy',
      type: 'market',
      size: 5,
      leverage: 3,
    });
    const price = h.sim.market.top(b).last;
    await other.placeOrder({
      clientOid: 'kb_other7_sabc2',
      symbol: b,
      side: 'sell',
      type: 'market',
      size: 5,
      leverage: 3,
      reduceOnly: true,
      stop: 'down',
      stopPrice: Number((price * 0.95).toFixed(1)),
      stopPriceType: 'MP',
    });
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    const r = await ex.reconcile();
    expect(r.contested).to.deep.equal([b]);
    expect(r.positionsForeign).to.deep.equal([b]);
    expect(
      h
        .eventsOf('alert')
        .map((e) => e.reason)
        .join('\n'),
    ).to.include(ANOTHER_BOT_ALERT);
    expect(ex.accountScope().foreignPositions.map((p) => p.owner)).to.deep.equal(['other-bot']);
    const refused = await ex.openPosition(h.signal(b));
    expect(refused.ok).to.equal(false);
    // Other symbols still trade.
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    await ex.reconcile();
    expect(port.calls.filter((c) => c.method === 'cancelOrderById')).to.deep.equal([]);
    expect(h.venueStops(b).map((o) => o.clientOid)).to.deep.equal(['kb_other7_sabc2']);
  });

  it('a position growing beyond what the journal filled is contested; the exit closes only our part and books only our fills', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const ours = opened.position.size;
    // Someone's entry merges into ours (one-way mode).
    await h
      .client()
      .placeOrder({ clientOid: 'kb_other7_emerge', symbol: a, side: 'buy', type: 'market', size: 4, leverage: 3 });
    const r = await ex.reconcile();
    expect(r.contested).to.deep.equal([a]);
    expect(store.positions.activeForSymbol(a)!.size).to.equal(ours);
    expect((await ex.openPosition(h.signal(a))).ok).to.equal(false);

    const closed = await ex.closePosition(a, 'manual');
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    expect(port.exitPlaces.map((p) => p.size)).to.deep.equal([ours]);
    expect((await h.client().position(a)).data.currentQty).to.equal(4);
    if (closed.ok) expect(closed.trade.size).to.equal(ours);
  });

  it('FOREIGN_POSITIONS=protect: exactly one reduce-only stop of its own on a foreign position, and nothing more', async () => {
    const b = h.symbol(1);
    await h
      .client()
      .placeOrder({ clientOid: 'manual-open', symbol: b, side: 'sell', type: 'market', size: 6, leverage: 3 });
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1', foreignPositions: 'protect' });
    for (let pass = 0; pass < 3; pass++) expect((await ex.reconcile()).errors).to.deep.equal([]);
    const stops = h.venueStops(b);
    expect(stops).to.have.length(1);
    expect(stops[0]!.clientOid).to.match(/^kb_mine1_/);
    expect(stops[0]!.reduceOnly).to.equal(true);
    expect(stops[0]!.size).to.equal(6);
    expect(stops[0]!.side).to.equal('buy');
    expect(port.places.filter((p) => p.stop === undefined)).to.deep.equal([]);
    expect(store.positions.active()).to.deep.equal([]);
    expect((await h.client().position(b)).data.currentQty).to.equal(-6);
  });
});
