// The executor's exactly-once rules against the real simulator, each forced by ordering (held or
// failed requests), not by load: one entry order in flight per symbol and one exit order in flight
// per position (the store refuses a second intent while the first's outcome is unknown), and one
// stop per position (the entry flow owns a new position's first stop; a stop move waits its turn).
// One trade per venue round trip is in double-booking.test.ts.
import { expect } from 'chai';
import { gate } from '../support/gate.js';
import { noResponse } from './support/journal-and-venue-faults.js';
import type { OrderExecutor } from '../../src/executor/index.js';
import type { Store } from '../../src/store/index.js';
import { type Harness, startReconciled } from './support/executor-harness.js';
import type { RecordingPort } from './support/recording-port.js';

describe('OrderExecutor: exactly-once rules', function () {
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

  /** Until the returned function is called, lookups by clientOid time out as well. */
  function blindLookups(): () => void {
    const real = port.orderByClientOid;
    port.orderByClientOid = () => Promise.reject(noResponse('orderByClientOid'));
    return () => {
      port.orderByClientOid = real;
    };
  }

  it('one entry in flight per symbol: while an entry has no known outcome, a second signal sends nothing', async () => {
    const a = h.symbol(0);
    port.interceptPlace = (req, forward) =>
      req.stop === undefined && req.reduceOnly !== true ? Promise.reject(noResponse('placeOrder')) : forward();
    const see = blindLookups();
    const first = await ex.openPosition(h.signal(a));
    expect(first.ok === false && first.stage).to.equal('unknown');
    const sentBefore = port.entryPlaces.length;
    port.interceptPlace = undefined;

    const second = await ex.openPosition(h.signal(a));
    expect(second.ok, JSON.stringify(second)).to.equal(false);
    if (!second.ok) expect(second.reason).to.match(/already in flight/);
    expect(port.entryPlaces, 'a second entry was sent').to.have.length(sentBefore);
    expect(new Set(port.entryPlaces.map((p) => p.clientOid)).size).to.equal(1);

    // Reconciliation learns the first never arrived; then the symbol is free again.
    see();
    const report = await ex.reconcile();
    expect(report.intentsAbandoned).to.equal(1);
    const third = await ex.openPosition(h.signal(a));
    expect(third.ok, JSON.stringify(third)).to.equal(true);
    expect(h.sim.engine.listOrders({ symbol: a }).filter((o) => !o.reduceOnly)).to.have.length(1);
  });

  it('one exit in flight per position: while an exit has no known outcome, a second close sends nothing', async () => {
    const a = h.symbol(0);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    port.interceptPlace = (req, forward) =>
      req.stop === undefined && req.reduceOnly === true ? Promise.reject(noResponse('placeOrder')) : forward();
    const see = blindLookups();
    const first = await ex.closePosition(a, 'take-profit');
    expect(first.ok).to.equal(false);
    const sentBefore = port.exitPlaces.length;
    port.interceptPlace = undefined;

    const second = await ex.closePosition(a, 'manual');
    expect(second.ok, JSON.stringify(second)).to.equal(false);
    if (!second.ok) expect(second.reason).to.match(/already in flight/);
    expect(port.exitPlaces, 'a second exit was sent').to.have.length(sentBefore);
    expect(new Set(port.exitPlaces.map((p) => p.clientOid)).size).to.equal(1);
    expect(store.trades.stats().trades).to.equal(0);

    see();
    await ex.reconcile();
    expect(store.positions.activeForSymbol(a)?.status, 'reopened: the exchange still holds it').to.equal('open');
    const third = await ex.closePosition(a, 'manual');
    expect(third.ok, JSON.stringify(third)).to.equal(true);
    expect(store.trades.stats().trades).to.equal(1);
    expect(h.sim.engine.ledger.find(a)!.qty).to.equal(0);
  });

  it('one close per position: a close request for a position already closed never closes the newer one on the symbol', async () => {
    const a = h.symbol(0);
    const first = await ex.openPosition(h.signal(a));
    expect(first.ok, JSON.stringify(first)).to.equal(true);
    if (!first.ok) return;
    const closed = await ex.closePosition(a, 'stop', first.position.id);
    expect(closed.ok && !closed.alreadyClosed).to.equal(true);
    const second = await ex.openPosition(h.signal(a));
    expect(second.ok, JSON.stringify(second)).to.equal(true);
    if (!second.ok) return;
    const exitsBefore = port.exitPlaces.length;

    // The monitor's request for the first position, repeated after it closed.
    const late = await ex.closePosition(a, 'stop', first.position.id);
    expect(late.ok && late.alreadyClosed && late.trade.positionId).to.equal(first.position.id);
    expect(port.exitPlaces, 'an exit was sent for the newer position').to.have.length(exitsBefore);
    expect(store.positions.activeForSymbol(a)?.id).to.equal(second.position.id);
    expect(store.trades.stats().trades).to.equal(1);
  });

  it('one stop per position: a stop move while the entry is placing the first stop places no second one', async () => {
    const a = h.symbol(0);
    const stopSeen = gate();
    const release = gate();
    let held = false;
    port.interceptPlace = async (req, forward) => {
      if (req.stop !== undefined && !held) {
        held = true;
        stopSeen.open();
        await release.opened;
      }
      return forward();
    };
    const opening = ex.openPosition(h.signal(a, 'long', 0.02));
    await stopSeen.opened; // recorded and visible to the monitor, its stop POST not answered yet
    const position = store.positions.activeForSymbol(a)!;
    const moved = await ex.moveStop(a, position.entryPrice * 0.99);
    expect(moved.ok, JSON.stringify(moved)).to.equal(false);
    release.open();
    const opened = await opening;
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);

    expect(port.stopPlaces, 'stop orders sent').to.have.length(1);
    expect(h.venueStops(a).filter((s) => s.status === 'open')).to.have.length(1);
    expect(
      store.intents
        .forPosition(position.id)
        .filter((i) => i.kind !== 'entry')
        .map((i) => [i.kind, i.state]),
    ).to.deep.equal([['stop', 'acknowledged']]);
    // Once the entry is done, moves go through as usual (new stop first, old one cancelled).
    const later = await ex.moveStop(a, position.entryPrice * 0.99);
    expect(later.ok, JSON.stringify(later)).to.equal(true);
    expect(h.venueStops(a).filter((s) => s.status === 'open')).to.have.length(1);
  });
});
