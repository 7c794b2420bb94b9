// One venue round trip is one journal position and one trade, whatever order a close and a
// reconciliation pass interleave in. The race is forced by ordering, not load: the positions list a
// reconciliation asked for is answered with the venue as it was BEFORE a close that completes while
// the answer is in flight (what a busy machine does to a 5 s reconciliation and a monitor's exit).
import { expect } from 'chai';
import { gate } from '../support/gate.js';
import { noResponse } from './support/journal-and-venue-faults.js';
import { Harness, startReconciled } from './support/executor-harness.js';
import type { RecordingPort } from './support/recording-port.js';
import type { OrderExecutor } from '../../src/executor/index.js';
import type { Store } from '../../src/store/index.js';

describe('OrderExecutor: a positions list older than a close', function () {
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

  /** The next positions() reads the venue at once but answers only when `release` is opened. */
  function staleNextPositions(): { readonly read: Promise<void>; readonly release: () => void } {
    const real = port.positions;
    const read = gate();
    const release = gate();
    port.positions = async () => {
      port.positions = real;
      const snapshot = await real();
      read.open();
      await release.opened;
      return snapshot;
    };
    return { read: read.opened, release: release.open };
  }

  for (const how of ['exit order', 'exchange stop'] as const) {
    it(`closed by ${how} while the list was in flight: one trade, nothing adopted, the next passes book nothing`, async () => {
      const symbol = h.symbol(0);
      const opened = await ex.openPosition(h.signal(symbol, 'long'));
      expect(opened.ok, JSON.stringify(opened)).to.equal(true);
      if (!opened.ok) return;

      const stale = staleNextPositions();
      const pass = ex.reconcile();
      await stale.read; // the venue still held the position when the list was taken
      if (how === 'exchange stop') h.moveTo(symbol, opened.position.stopPrice! * 0.998);
      const closed = await ex.closePosition(symbol, 'take-profit');
      expect(closed.ok, JSON.stringify(closed)).to.equal(true);
      expect(h.sim.engine.ledger.find(symbol)!.qty, 'flat on the venue').to.equal(0);
      stale.release();
      const report = await pass;

      expect(report.positionsAdopted, 'adopted the position it had just closed').to.deep.equal([]);
      const later = [await ex.reconcile(), await ex.reconcile()];
      expect(later.flatMap((r) => r.positionsClosed)).to.deep.equal([]);
      expect(store.trades.stats().trades, 'trades for one venue round trip').to.equal(1);
      expect(store.positions.active()).to.deep.equal([]);
      expect(h.eventsOf('closed')).to.have.length(1);
      expect(h.eventsOf('adopted')).to.have.length(0);
      expect(
        h.venueStops(symbol).filter((s) => s.status === 'open'),
        'stops left on a flat symbol',
      ).to.have.length(0);
    });
  }
});

describe('OrderExecutor: an entry whose outcome is learned after its round trip was adopted and closed', function () {
  this.timeout(30_000);
  let h: Harness;

  afterEach(async () => {
    await h.close();
  });

  it('is attached to the adopted position, not recorded as a second one: one trade', async () => {
    h = await Harness.start();
    const port = h.port();
    const store = h.store();
    const ex = h.executor(port, store);
    await ex.reconcile();
    const symbol = h.symbol(0);
    // The entry reaches the venue and fills, but its answer is lost and lookups by clientOid fail:
    // its outcome stays unknown.
    const lookup = port.orderByClientOid;
    let entryOid: string | undefined;
    port.orderByClientOid = (oid) => (oid === entryOid ? Promise.reject(noResponse('orderByClientOid')) : lookup(oid));
    port.interceptPlace = async (req, forward) => {
      const answer = await forward();
      if (req.stop === undefined && req.reduceOnly !== true) {
        entryOid = req.clientOid;
        throw noResponse('placeOrder');
      }
      return answer;
    };
    const entry = await ex.openPosition(h.signal(symbol, 'long'));
    expect(entry.ok === false && entry.stage).to.equal('unknown');
    port.interceptPlace = undefined;
    expect(h.sim.engine.ledger.find(symbol)!.qty).to.be.greaterThan(0);

    // Reconciliation cannot resolve the intent, finds the venue position and adopts it...
    const first = await ex.reconcile();
    expect(first.positionsAdopted).to.deep.equal([symbol]);
    // ...which is closed and booked.
    const closed = await ex.closePosition(symbol, 'manual');
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    expect(h.sim.engine.ledger.find(symbol)!.qty).to.equal(0);

    // Now the entry's outcome can be read: it filled. That fill is the round trip already booked.
    port.orderByClientOid = lookup;
    const reports = [await ex.reconcile(), await ex.reconcile()];
    expect(reports.flatMap((r) => r.positionsClosed)).to.deep.equal([]);
    expect(store.trades.stats().trades, 'trades for one venue round trip').to.equal(1);
    expect(store.positions.active()).to.deep.equal([]);
    expect(store.intents.unresolvedIntents().filter((i) => i.kind === 'entry')).to.deep.equal([]);
    const adopted = store.positions.get(closed.ok ? closed.trade.positionId : 0)!;
    expect(store.intents.forPosition(adopted.id).filter((i) => i.kind === 'entry')).to.have.length(1);
    // Booked before its entry order was known, the trade still paid the entry's fees.
    const venue = (await h.client().position(symbol)).data;
    expect(store.trades.recent(1)[0]!.realisedPnl, 'booked PnL vs the venue').to.be.closeTo(venue.realisedPnl, 0.005);
  });
});
