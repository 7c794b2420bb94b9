// One venue round trip is one journal position and one trade, whatever order a close and a
// reconciliation pass interleave in. The race is forced by ordering, not load: the positions list a
// reconciliation asked for is answered with the venue as it was BEFORE a close that completes while
// the answer is in flight (what a busy machine does to a 5 s reconciliation and a monitor's exit).
import { expect } from 'chai';
import { Harness } from './support/executor-harness.js';
import type { RecordingPort } from './support/recording-port.js';
import type { OrderExecutor } from '../../src/executor/index.js';
import type { Store } from '../../src/store/index.js';

/** A promise and the function that settles it. */
function gate(): { readonly opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('OrderExecutor: a positions list older than a close', function () {
  this.timeout(30_000);
  let h: Harness;
  let port: RecordingPort;
  let store: Store;
  let ex: OrderExecutor;

  beforeEach(async () => {
    h = await Harness.start();
    port = h.port();
    store = h.store();
    ex = h.executor(port, store);
    await ex.reconcile();
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
      expect(h.venueStops(symbol).filter((s) => s.status === 'open'), 'stops left on a flat symbol').to.have.length(0);
    });
  }
});
