// A take-profit is decided on a price the monitor saw; the exit fills later, at whatever the book
// holds then. On a slow machine (or a fast market) the price can be back below the target, or below
// the entry, by the time the order arrives: a market exit would then book a loss as a take-profit.
// The executor sends a take-profit as a reduce-only IOC limit at the target instead, so it fills at
// the target or better, or not at all (the position stays open under its exchange stop).
// Real simulator over HTTP (manual clock), real client, real SQLite file.
import { expect } from 'chai';
import type { OrderExecutor } from '../../src/executor/index.js';
import { roundToTick } from '../../src/risk/step-rounding.js';
import { takeProfitLimit } from '../../src/executor/take-profit-limit.js';
import type { Store } from '../../src/store/index.js';
import { Harness, LIMITS, startReconciled } from './support/executor-harness.js';
import type { RecordingPort } from './support/recording-port.js';
import { queryOnly } from './support/journal-and-venue-faults.js';

describe('takeProfitLimit', () => {
  it('is the target on the tick, rounded away from the entry', () => {
    expect(takeProfitLimit({ side: 'long', entryPrice: 100, takeProfitPrice: 104.03 }, 0.05)).to.equal(104.05);
    expect(takeProfitLimit({ side: 'short', entryPrice: 100, takeProfitPrice: 95.97 }, 0.05)).to.equal(95.95);
  });

  it('is never worse than the entry: an entry that slipped past its target takes no loss as profit', () => {
    expect(takeProfitLimit({ side: 'long', entryPrice: 105.01, takeProfitPrice: 104 }, 0.05)).to.equal(105.05);
    expect(takeProfitLimit({ side: 'short', entryPrice: 94.99, takeProfitPrice: 96 }, 0.05)).to.equal(94.95);
  });

  it('is null (a market exit) without a target or a tick size', () => {
    expect(takeProfitLimit({ side: 'long', entryPrice: 100, takeProfitPrice: null }, 0.05)).to.equal(null);
    expect(takeProfitLimit({ side: 'long', entryPrice: 100, takeProfitPrice: 104 }, undefined)).to.equal(null);
  });
});

describe('OrderExecutor: a take-profit never fills beyond its target', function () {
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

  async function tickOf(symbol: string): Promise<number> {
    return (await h.client().activeContracts()).data.find((c) => c.symbol === symbol)!.tickSize;
  }

  for (const side of ['long', 'short'] as const) {
    it(`${side}: a take-profit decided on a price that is gone sends no loss-making exit; the position stays open under its stop`, async () => {
      const symbol = h.symbol(0);
      const base = h.signal(symbol, side, 0.01);
      const dir = side === 'long' ? 1 : -1;
      const opened = await ex.openPosition({ ...base, takeProfitPrice: base.price * (1 + dir * 0.02) });
      expect(opened.ok, JSON.stringify(opened)).to.equal(true);
      if (!opened.ok) return;
      const entry = opened.position.entryPrice;
      const size = opened.position.size;

      // The monitor saw the target; by the time the exit arrives the market is back past the entry.
      h.moveTo(symbol, entry * (1 - dir * 0.005));
      const result = await ex.closePosition(symbol, 'take-profit', opened.position.id);

      expect(result.ok, JSON.stringify(result)).to.equal(false);
      if (!result.ok) expect(result.reason).to.match(/take-profit/);
      expect(store.trades.stats().trades, 'a trade was booked').to.equal(0);
      expect(Math.abs(h.sim.engine.ledger.find(symbol)?.qty ?? 0), 'the venue position').to.equal(size);
      expect(
        h.sim.engine.listFills({ symbol }).filter((f) => f.side === (side === 'long' ? 'sell' : 'buy')),
        'exit fills on the venue',
      ).to.deep.equal([]);
      expect(store.positions.activeForSymbol(symbol)?.status).to.equal('open');
      expect(h.venueStops(symbol), 'the exchange stop').to.have.length(1);
      // Not an operator matter: the target was simply not on the book.
      expect(h.eventsOf('alert')).to.deep.equal([]);

      // Through the target: the same request fills, at the target or better.
      h.moveTo(symbol, entry * (1 + dir * 0.03));
      const again = await ex.closePosition(symbol, 'take-profit', opened.position.id);
      expect(again.ok, JSON.stringify(again)).to.equal(true);
      if (!again.ok) return;
      expect(again.trade.closeReason).to.equal('take-profit');
      expect((again.trade.exitPrice - opened.position.takeProfitPrice!) * dir).to.be.at.least(0);
      expect(h.sim.engine.ledger.find(symbol)?.qty ?? 0).to.equal(0);
      expect(h.venueStops(symbol)).to.have.length(0);
    });
  }

  // A missed take-profit is a done order on the venue. With the journal refusing writes its intent is
  // not counted, so the next exit of the position must still get a clientOid of its own: the venue
  // answers a reused one with the old, cancelled order, and every later exit would "fill nothing".
  for (const next of ['take-profit', 'stop'] as const) {
    it(`journal unwritable: after a missed take-profit the next exit (${next}) is a new order and fills`, async () => {
      const symbol = h.symbol(0);
      const base = h.signal(symbol, 'long', 0.01);
      const opened = await ex.openPosition({ ...base, takeProfitPrice: base.price * 1.02 });
      expect(opened.ok, JSON.stringify(opened)).to.equal(true);
      if (!opened.ok) return;
      const entry = opened.position.entryPrice;
      queryOnly(store, true);

      h.moveTo(symbol, entry * 0.995);
      const missed = await ex.closePosition(symbol, 'take-profit', opened.position.id);
      expect(missed.ok, JSON.stringify(missed)).to.equal(false);
      if (!missed.ok) expect(missed.reason).to.match(/not on the book/);

      h.moveTo(symbol, next === 'take-profit' ? entry * 1.03 : entry * 0.99);
      const closed = await ex.closePosition(symbol, next, opened.position.id);
      expect(closed.ok, JSON.stringify(closed)).to.equal(true);
      expect(h.sim.engine.ledger.find(symbol)?.qty ?? 0, 'the venue position').to.equal(0);
      const exits = port.exitPlaces.filter((p) => p.symbol === symbol).map((p) => p.clientOid);
      expect(exits).to.have.length(2);
      expect(new Set(exits).size, 'distinct clientOids').to.equal(2);
      queryOnly(store, false);
    });
  }

  it('a take-profit that fills only partly books the whole round trip once the rest is closed: journal and venue agree to the cent', async () => {
    // A position larger than what rests at one price level (the simulator's book is deep).
    await h.close();
    h = await Harness.start({ balance: 1_000_000 });
    port = h.port();
    store = h.store();
    ex = h.executor(port, store, { limits: { ...LIMITS, maxNotional: 100_000_000 } });
    await ex.reconcile();
    const symbol = h.symbol(0);
    const tick = await tickOf(symbol);
    const base = h.signal(symbol, 'long', 0.01);
    const target = roundToTick(base.price * 1.02, tick, 'up');
    const opened = await ex.openPosition({ ...base, takeProfitPrice: target });
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const size = opened.position.size;

    // Only the best bid is at the target: the IOC takes what rests there and no more.
    h.moveTo(symbol, target + tick / 2);
    let top = h.sim.market.top(symbol);
    for (let fair = target + tick / 2; top.bid < target; fair += tick) {
      h.moveTo(symbol, fair);
      top = h.sim.market.top(symbol);
    }
    const atTarget = (await h.client().level2Snapshot(symbol)).data.bids
      .filter(([px]) => px >= target)
      .reduce((s, [, lots]) => s + lots, 0);
    expect(atTarget, 'precondition: less than the position rests at the target')
      .to.be.greaterThan(0)
      .and.lessThan(size);

    const partial = await ex.closePosition(symbol, 'take-profit', opened.position.id);
    expect(partial.ok, JSON.stringify(partial)).to.equal(false);
    const left = h.sim.engine.ledger.find(symbol)!.qty;
    expect(left).to.be.greaterThan(0).and.lessThan(size);
    expect(store.positions.activeForSymbol(symbol)).to.deep.include({ status: 'open', size: left });
    expect(h.eventsOf('alert')).to.deep.equal([]);

    // The rest goes out through a stop-loss (market).
    h.moveTo(symbol, opened.position.entryPrice * 0.995);
    const closed = await ex.closePosition(symbol, 'stop', opened.position.id);
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    if (!closed.ok) return;
    expect(h.sim.engine.ledger.find(symbol)?.qty ?? 0).to.equal(0);
    expect(closed.trade.size).to.equal(size);
    const venue = (await h.client().position(symbol)).data;
    expect(closed.trade.realisedPnl).to.be.closeTo(venue.realisedPnl, 0.005);
    const venueFees = h.sim.engine.listFills({ symbol }).reduce((s, f) => s + f.fee, 0);
    expect(closed.trade.fees).to.be.closeTo(venueFees, 0.005);
    expect(store.trades.stats().trades).to.equal(1);
  });
});
