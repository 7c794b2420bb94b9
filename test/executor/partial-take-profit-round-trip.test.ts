// A take-profit IOC that fills only partly is one leg of the round trip: the trade booked when the
// rest closes must carry that leg's lots, price and fees, however the leg reached (or did not yet
// reach) the journal. The chaos run once booked such a trade 1.75 USDT short of the venue
// (EGLDUSDTM, seed 7: a journal-unwritable phase, an entry in flight, a take-profit refused).
// Covered: the leg's write deferred (journal unwritable) when the rest closes; the position itself
// provisional (the disk filled as its entry filled); the executor dying before it learned the leg's
// outcome (reconciliation must not book the leg as the whole close), with the leg's fills imported
// first without a clientOid. Real simulator over HTTP, real client, real SQLite file (switched to
// query_only: SQLITE_READONLY, as when the disk is full).
import { expect } from 'chai';
import { toFillInput } from '../../src/executor/fill-summary.js';
import { roundToTick } from '../../src/risk/step-rounding.js';
import type { ClosedTrade, Store } from '../../src/store/index.js';
import { queryOnly } from './support/journal-and-venue-faults.js';
import { Harness, LIMITS } from './support/executor-harness.js';

describe('OrderExecutor: a partial take-profit while the journal is unwritable', function () {
  this.timeout(30_000);
  let h: Harness;

  afterEach(async () => {
    await h.close();
  });

  it('the rest closed before the journal recovers: the booked trade is the whole round trip, to the cent', async () => {
    // A position larger than what rests at one price level (the simulator's book is deep).
    h = await Harness.start({ balance: 1_000_000 });
    const { store, ex, symbol, tick, target, opened } = await openLongWithTarget(h);
    const size = opened.position.size;

    // Only the best bid is at the target: the IOC takes what rests there and no more.
    liftBidTo(h, symbol, target, tick);

    queryOnly(store, true);
    const partial = await ex.closePosition(symbol, 'take-profit', opened.position.id);
    expect(partial.ok, JSON.stringify(partial)).to.equal(false);
    const left = h.sim.engine.ledger.find(symbol)!.qty;
    expect(left, 'precondition: the take-profit filled only partly').to.be.greaterThan(0).and.lessThan(size);

    // Still unwritable: the rest goes out through a stop-loss (market).
    h.moveTo(symbol, opened.position.entryPrice * 0.995);
    const closed = await ex.closePosition(symbol, 'stop', opened.position.id);
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    if (!closed.ok) return;
    expect(h.sim.engine.ledger.find(symbol)?.qty ?? 0).to.equal(0);
    const venue = (await h.client().position(symbol)).data;
    const venueFees = h.sim.engine.listFills({ symbol }).reduce((s, f) => s + f.fee, 0);
    // What is reported now (kill switch, monitor) is already the whole round trip.
    expect(closed.trade.size, 'reported size').to.equal(size);
    expect(closed.trade.realisedPnl, 'reported PnL').to.be.closeTo(venue.realisedPnl, 0.005);

    // Writable again: the deferred writes are replayed and the trade is booked as the venue has it.
    queryOnly(store, false);
    const report = await ex.reconcile();
    expect(report.errors).to.deep.equal([]);
    const trade = expectOneTrade(store, size, venue.realisedPnl);
    expect(trade.fees, 'booked fees').to.be.closeTo(venueFees, 0.005);
    expect(store.fills.forOrder(h.sim.engine.listFills({ symbol }).at(-1)!.orderId)).to.have.length.greaterThan(0);
  });
});

describe('OrderExecutor: a partial take-profit of a position the journal has not recorded yet', function () {
  this.timeout(30_000);
  let h: Harness;

  afterEach(async () => {
    await h.close();
  });

  for (const restClosed of ['after the journal recovers', 'before the journal recovers'] as const) {
    it(`the disk fills as the entry fills, the take-profit fills partly, the rest is closed ${restClosed}: one trade, the venue's PnL to the cent`, async () => {
      h = await Harness.start({ balance: 1_000_000 });
      const port = h.port();
      const store = h.store();
      const ex = h.executor(port, store, { limits: { ...LIMITS, maxNotional: 100_000_000 } });
      await ex.reconcile();
      const symbol = h.symbol(0);
      const tick = (await h.client().activeContracts()).data.find((c) => c.symbol === symbol)!.tickSize;
      let armed = true;
      port.interceptPlace = async (req, forward) => {
        const answer = await forward();
        if (armed && req.stop === undefined && req.reduceOnly !== true) {
          armed = false;
          queryOnly(store, true);
        }
        return answer;
      };
      const base = h.signal(symbol, 'long', 0.01);
      const target = roundToTick(base.price * 1.02, tick, 'up');
      const opened = await ex.openPosition({ ...base, takeProfitPrice: target });
      expect(opened.ok, JSON.stringify(opened)).to.equal(true);
      if (!opened.ok) return;
      expect(opened.position.id, 'precondition: a provisional position').to.be.below(0);
      const size = opened.position.size;
      liftBidTo(h, symbol, target, tick);
      const partial = await ex.closePosition(symbol, 'take-profit', opened.position.id);
      expect(partial.ok, JSON.stringify(partial)).to.equal(false);
      const left = h.sim.engine.ledger.find(symbol)!.qty;
      expect(left, 'precondition: the take-profit filled only partly').to.be.greaterThan(0).and.lessThan(size);

      if (restClosed === 'after the journal recovers') {
        queryOnly(store, false);
        const report = await ex.reconcile();
        expect(report.errors).to.deep.equal([]);
        expect(store.positions.activeForSymbol(symbol), 'recorded with what is left').to.deep.include({ size: left });
      }
      h.moveTo(symbol, opened.position.entryPrice * 0.995);
      const closed = await ex.closePosition(symbol, 'stop', opened.position.id);
      expect(closed.ok, JSON.stringify(closed)).to.equal(true);
      if (!closed.ok) return;
      expect(h.sim.engine.ledger.find(symbol)?.qty ?? 0).to.equal(0);
      const venue = (await h.client().position(symbol)).data;
      expect(closed.trade.realisedPnl, 'reported PnL').to.be.closeTo(venue.realisedPnl, 0.005);
      queryOnly(store, false);
      const report = await ex.reconcile();
      expect(report.errors).to.deep.equal([]);
      expectOneTrade(store, size, venue.realisedPnl);
      expect(store.positions.active()).to.deep.equal([]);
    });
  }
});

describe('OrderExecutor: a partial take-profit whose executor died before it learned the outcome', function () {
  this.timeout(30_000);
  let h: Harness;

  afterEach(async () => {
    await h.close();
  });

  for (const importedFirst of [false, true]) {
    it(`reconciliation records the partial leg and keeps the rest open; the round trip is booked once, to the cent${importedFirst ? ' (its fills imported first, without a clientOid)' : ''}`, async () => {
      h = await Harness.start({ balance: 1_000_000 });
      const { port: port0, ex: ex0, symbol, tick, target, opened } = await openLongWithTarget(h);
      const size = opened.position.size;
      liftBidTo(h, symbol, target, tick);

      // The exit reaches the venue, then the executor dies (its promise never settles).
      let sent!: () => void;
      const reached = new Promise<void>((resolve) => (sent = resolve));
      port0.interceptPlace = async (req, forward) => {
        if (req.reduceOnly !== true || req.stop !== undefined) return forward();
        await forward();
        sent();
        return new Promise<never>(() => undefined);
      };
      void ex0.closePosition(symbol, 'take-profit', opened.position.id);
      await reached;
      const left = h.sim.engine.ledger.find(symbol)!.qty;
      expect(left, 'precondition: the take-profit filled only partly').to.be.greaterThan(0).and.lessThan(size);

      // A fresh executor on the same journal reconciles: the partial leg is not the whole close.
      const store = h.store();
      if (importedFirst) {
        // As a fill import does for an order the journal does not know yet: no clientOid.
        const exitFills = (await h.client().fills({ symbol })).data.items.filter((f) => f.side === 'sell');
        expect(exitFills, 'precondition: exit fills on the venue').to.have.length.greaterThan(0);
        store.fills.recordFills(exitFills.map((f) => toFillInput(f, null)));
      }
      const ex = h.executor(h.port(), store, { limits: { ...LIMITS, maxNotional: 100_000_000 } });
      await ex.reconcile();
      expect(store.trades.stats().trades, 'trades after reconciling the partial exit').to.equal(0);
      expect(store.positions.activeForSymbol(symbol), 'the rest is still the position').to.deep.include({ size: left });

      h.moveTo(symbol, opened.position.entryPrice * 0.995);
      const closed = await ex.closePosition(symbol, 'stop');
      expect(closed.ok, JSON.stringify(closed)).to.equal(true);
      expect(h.sim.engine.ledger.find(symbol)?.qty ?? 0).to.equal(0);
      await ex.reconcile();
      const venue = (await h.client().position(symbol)).data;
      expectOneTrade(store, size, venue.realisedPnl);
    });
  }
});

/** A large long (deeper than one price level) on the first symbol, with a take-profit 2 % up. */
async function openLongWithTarget(h: Harness) {
  const port = h.port();
  const store = h.store();
  const ex = h.executor(port, store, { limits: { ...LIMITS, maxNotional: 100_000_000 } });
  await ex.reconcile();
  const symbol = h.symbol(0);
  const tick = (await h.client().activeContracts()).data.find((c) => c.symbol === symbol)!.tickSize;
  const base = h.signal(symbol, 'long', 0.01);
  const target = roundToTick(base.price * 1.02, tick, 'up');
  const opened = await ex.openPosition({ ...base, takeProfitPrice: target });
  if (!opened.ok) throw new Error(`precondition: the entry opens (${JSON.stringify(opened)})`);
  return { port, store, ex, symbol, tick, target, opened };
}

/** Moves the market up a tick at a time until only the best bid reaches the target. */
function liftBidTo(h: Harness, symbol: string, target: number, tick: number): void {
  h.moveTo(symbol, target + tick / 2);
  let top = h.sim.market.top(symbol);
  for (let fair = target + tick / 2; top.bid < target; fair += tick) {
    h.moveTo(symbol, fair);
    top = h.sim.market.top(symbol);
  }
}

/** The journal holds exactly one trade: the whole round trip, at the venue's realised PnL. */
function expectOneTrade(store: Store, size: number, venuePnl: number): ClosedTrade {
  const trades = store.trades.recent(10);
  expect(trades, 'one trade').to.have.length(1);
  const trade = trades[0]!;
  expect(trade.size, 'booked size').to.equal(size);
  expect(trade.realisedPnl, 'booked PnL').to.be.closeTo(venuePnl, 0.005);
  return trade;
}
