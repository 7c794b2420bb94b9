// OrderExecutor against the REAL simulator over HTTP, the REAL client and a REAL SQLite file.
import { expect } from 'chai';
import { type Harness, LIMITS, startReconciled } from './support/executor-harness.js';
import type { RecordingPort } from './support/recording-port.js';
import type { OrderExecutor } from '../../src/executor/index.js';
import type { EntryProposal } from '../../src/executor/executor-api.js';
import type { Store } from '../../src/store/index.js';

describe('OrderExecutor: entries and exits against the simulator', function () {
  this.timeout(30_000);
  let h: Harness;
  let port: RecordingPort;
  let store: Store;
  let ex: OrderExecutor;

  beforeEach(async () => {
    ({ h, port, store, ex } = await startReconciled());
  });

  afterEach(async () => {
    await h.close();
  });

  it('opens: market fill, position recorded from the fills, exchange stop live and journaled', async () => {
    const symbol = h.symbol(0);
    const signal = h.signal(symbol, 'long');
    const result = await ex.openPosition(signal);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    if (!result.ok) return;

    const venuePos = h.sim.engine.ledger.find(symbol)!;
    expect(result.position.size).to.equal(venuePos.qty);
    expect(result.position.entryPrice).to.be.closeTo(venuePos.cost / (venuePos.qty * venuePos.spec.multiplier), 1e-9);
    expect(result.position.side).to.equal('long');
    expect(result.position.stopPrice).to.be.lessThan(result.position.entryPrice);
    // Sized by the notional cap: 5000 USDT at ~65000 x 0.001 per lot.
    expect(result.position.size * 0.001 * result.position.entryPrice).to.be.at.most(LIMITS.maxNotional);

    const stops = (await h.client().untriggeredStopOrders({ symbol })).data.items;
    expect(stops).to.have.length(1);
    expect(stops[0]!.id).to.equal(result.stopOrderId);
    expect(stops[0]!.side).to.equal('sell');
    expect(stops[0]!.stop).to.equal('down');
    expect(stops[0]!.stopPriceType).to.equal('MP');
    expect(stops[0]!.reduceOnly).to.equal(true);
    expect(stops[0]!.stopPrice).to.equal(result.position.stopPrice);
    expect(stops[0]!.size).to.equal(result.position.size);

    const stored = store.positions.activeForSymbol(symbol)!;
    expect(stored.stopOrderId).to.equal(result.stopOrderId);
    const intents = store.intents.forPosition(stored.id);
    expect(intents.map((i) => [i.kind, i.state])).to.deep.equal([
      ['entry', 'filled'],
      ['stop', 'acknowledged'],
    ]);
    expect(store.fills.forClientOid(result.entryClientOid).reduce((s, f) => s + f.size, 0)).to.equal(stored.size);
    expect(h.eventsOf('opened')).to.have.length(1);
    expect(port.entryPlaces).to.have.length(1);
  });

  it('opens a short with an "up" stop above the entry', async () => {
    const symbol = h.symbol(1);
    const result = await ex.openPosition(h.signal(symbol, 'short'));
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    if (!result.ok) return;
    expect(h.sim.engine.ledger.find(symbol)!.qty).to.equal(-result.position.size);
    const stop = h.venueStops(symbol)[0]!;
    expect(stop.stop).to.equal('up');
    expect(stop.side).to.equal('buy');
    expect(stop.stopPrice!).to.be.greaterThan(result.position.entryPrice);
  });

  describe('the guard: nothing bad ever leaves the executor', () => {
    const cases: Array<[string, number]> = [
      ['NaN size', Number.NaN],
      ['negative size', -5],
      ['zero size', 0],
      ['off-lot size', 1.5],
      ['huge size (notional above maxNotional)', 1_000_000],
      ['infinite size', Number.POSITIVE_INFINITY],
    ];
    for (const [name, size] of cases) {
      it(`rejects ${name} with a reason and sends nothing`, async () => {
        const symbol = h.symbol(0);
        const result = await ex.openPosition(h.signal(symbol), { size });
        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(result.stage).to.equal('guard');
        expect(result.reason).to.match(/size|notional/);
        expect(port.places).to.have.length(0);
        expect(h.venueOrders()).to.have.length(0);
        expect(store.intents.unresolvedIntents()).to.have.length(0);
        expect(h.eventsOf('rejected')).to.have.length(1);
      });
    }

    it('rejects a signal with a NaN price, a negative stop, or a stop on the wrong side', async () => {
      const symbol = h.symbol(0);
      const good = h.signal(symbol);
      const bad = [
        { ...good, price: Number.NaN },
        { ...good, stopPrice: -1 },
        { ...good, stopPrice: good.price * 1.05 },
        // A stale or buggy peer's proposal (the RPC is not type-checked at run time).
        { ...good, side: 'none' } as unknown as EntryProposal,
      ];
      for (const s of bad) {
        const r = await ex.openPosition(s);
        expect(r.ok).to.equal(false);
        if (!r.ok) expect(r.stage).to.equal('validation');
      }
      expect(port.places).to.have.length(0);
      expect(h.venueOrders()).to.have.length(0);
    });
  });

  it('enforces one position per symbol and maxOpenPositions', async () => {
    const [a, b, c] = [h.symbol(0), h.symbol(1), h.symbol(2)];
    expect((await ex.openPosition(h.signal(a))).ok).to.equal(true);
    const again = await ex.openPosition(h.signal(a));
    expect(again.ok).to.equal(false);
    if (!again.ok) expect(again.reason).to.match(/already open/);
    expect((await ex.openPosition(h.signal(b, 'short'))).ok).to.equal(true);
    const third = await ex.openPosition(h.signal(c));
    expect(third.ok).to.equal(false);
    if (!third.ok) expect(third.reason).to.match(/maxOpenPositions/);
    expect(port.entryPlaces.map((p) => p.symbol)).to.deep.equal([a, b]);
    expect(h.venueOrders(c)).to.have.length(0);
    expect(ex.openPositions().map((p) => p.symbol)).to.deep.equal([a, b]);
  });

  it('concurrent entries on one symbol: one goes through', async () => {
    const a = h.symbol(0);
    const results = await Promise.all([ex.openPosition(h.signal(a)), ex.openPosition(h.signal(a))]);
    expect(results.filter((r) => r.ok)).to.have.length(1);
    expect(port.entryPlaces).to.have.length(1);
  });

  it('kill switch: after the daily loss limit no new entries are sent', async () => {
    ex = h.executor(port, store, { limits: { ...LIMITS, dailyLossLimit: 0.001 } }); // 10 USDT on 10k
    const a = h.symbol(0);
    const opened = await ex.openPosition(h.signal(a, 'long', 0.02));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    h.moveTo(a, opened.position.entryPrice * 0.993);
    const closed = await ex.closePosition(a, 'stop');
    expect(closed.ok).to.equal(true);
    if (closed.ok) expect(closed.trade.realisedPnl).to.be.lessThan(-10);

    const before = port.places.length;
    const next = await ex.openPosition(h.signal(h.symbol(1)));
    expect(next.ok).to.equal(false);
    if (!next.ok) {
      expect(next.stage).to.equal('risk');
      expect(next.reason).to.match(/kill switch/);
    }
    expect(port.places.length).to.equal(before);
    expect(h.eventsOf('kill-switch')).to.have.length(1);
    const status = await ex.status();
    expect(status.killSwitch?.active).to.equal(true);
    expect(status.today.trades).to.equal(1);
    expect(status.today.realisedPnl).to.equal(closed.ok ? closed.trade.realisedPnl : Number.NaN);
  });

  it('kill switch reads the account, not the journal: an invented journal loss does not trip it, an open loss does', async () => {
    // A close the journal booked although no money moved (the venue's equity is untouched).
    const fake = store.positions.open({
      symbol: h.symbol(2),
      side: 'long',
      size: 1,
      entryPrice: 100,
      stopPrice: 90,
      leverage: 5,
    });
    store.trades.recordClose({ positionId: fake.id, exitPrice: 90, realisedPnl: -600, fees: 0, reason: 'stop' });
    ex = h.executor(port, store, { limits: { ...LIMITS, dailyLossLimit: 0.001 } }); // 10 USDT on 10k
    const a = h.symbol(0);
    const opened = await ex.openPosition(h.signal(a, 'long', 0.05));
    expect(opened.ok, opened.ok ? '' : opened.reason).to.equal(true);
    if (!opened.ok) return;
    let status = await ex.status();
    expect(status.today.realisedPnl).to.equal(-600);
    expect(status.killSwitch?.active).to.equal(false);
    // Unrealised only: nothing realised today by this trade, but the account is down past the limit.
    h.moveTo(a, opened.position.entryPrice * 0.985);
    status = await ex.status();
    expect(status.killSwitch?.active, JSON.stringify(status.killSwitch)).to.equal(true);
    expect(status.killSwitch?.lossToday).to.be.above(status.killSwitch?.limitAmount ?? Number.POSITIVE_INFINITY);
    const next = await ex.openPosition(h.signal(h.symbol(1)));
    expect(next.ok).to.equal(false);
    if (!next.ok) expect(next.reason).to.match(/kill switch/);
    // Equity recovering the same day does not re-open trading (the switch latches for the UTC day),
    // not even for an executor restarted on the same journal.
    h.moveTo(a, opened.position.entryPrice * 1.01);
    status = await ex.status();
    expect(status.killSwitch?.lossToday).to.equal(0);
    expect(status.killSwitch?.active).to.equal(true);
    const restarted = h.executor(h.port(), h.store(), { limits: { ...LIMITS, dailyLossLimit: 0.001 } });
    expect((await restarted.status()).killSwitch?.active).to.equal(true);
  });

  it('three concurrent closes: one exit order, one trade, stop cancelled, PnL and fees agree with the venue to the cent', async () => {
    const a = h.symbol(0);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    h.moveTo(a, opened.position.entryPrice * 1.004);

    const results = await Promise.all([
      ex.closePosition(a, 'take-profit'),
      ex.closePosition(a, 'manual'),
      ex.closePosition(a, 'stop'),
    ]);
    expect(results.every((r) => r.ok)).to.equal(true);
    const ids = new Set(results.map((r) => (r.ok ? r.trade.id : -1)));
    expect(ids.size).to.equal(1);
    expect(port.exitPlaces).to.have.length(1);
    expect(store.trades.stats().trades).to.equal(1);
    expect(h.venueStops(a)).to.have.length(0);
    expect(h.sim.engine.ledger.find(a)!.qty).to.equal(0);

    const trade = results[0]!.ok ? results[0]!.trade : undefined;
    expect(trade?.closeReason).to.equal('take-profit');
    const venue = (await h.client().position(a)).data;
    expect(trade!.realisedPnl).to.be.closeTo(venue.realisedPnl, 0.005);
    const venueFees = h.sim.engine.listFills({ symbol: a }).reduce((s, f) => s + f.fee, 0);
    expect(trade!.fees).to.be.closeTo(venueFees, 0.005);
    expect(trade!.realisedPnl).to.be.greaterThan(0);

    // A later close is a no-op returning the recorded trade.
    const again = await ex.closePosition(a, 'manual');
    expect(again.ok && again.alreadyClosed && again.trade.id === trade!.id).to.equal(true);
    expect(port.exitPlaces).to.have.length(1);
    expect(h.eventsOf('closed')).to.have.length(1);
  });

  it('moveStop only tightens, places the new stop before cancelling the old one, journals both', async () => {
    const a = h.symbol(0);
    const opened = await ex.openPosition(h.signal(a, 'long', 0.02));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    const oldStop = opened.position.stopPrice!;

    const looser = await ex.moveStop(a, oldStop * 0.99);
    expect(looser.ok).to.equal(false);
    if (!looser.ok) expect(looser.reason).to.match(/only tightens/);
    const through = await ex.moveStop(a, opened.position.entryPrice * 1.05);
    expect(through.ok).to.equal(false);

    const callsBefore = port.calls.length;
    const target = opened.position.entryPrice * 0.99;
    const moved = await ex.moveStop(a, target);
    expect(moved.ok, JSON.stringify(moved)).to.equal(true);
    if (!moved.ok) return;
    expect(moved.to).to.be.greaterThan(oldStop);
    const calls = port.calls.slice(callsBefore).map((c) => c.method);
    expect(calls).to.deep.equal(['placeOrder', 'cancelOrderById']);
    const cancelled = port.calls[callsBefore + 1];
    expect(cancelled?.method === 'cancelOrderById' && cancelled.orderId).to.equal(opened.stopOrderId);

    const live = h.venueStops(a);
    expect(live).to.have.length(1);
    expect(live[0]!.stopPrice).to.equal(moved.to);
    const intents = store.intents.forPosition(opened.position.id);
    expect(intents.map((i) => [i.kind, i.state])).to.deep.equal([
      ['entry', 'filled'],
      ['stop', 'cancelled'],
      ['stop-update', 'acknowledged'],
    ]);
    expect(intents[2]!.targetOrderId).to.equal(opened.stopOrderId);
    expect(store.positions.activeForSymbol(a)!.stopPrice).to.equal(moved.to);
    expect(h.eventsOf('stop-moved')).to.have.length(1);
  });
});
