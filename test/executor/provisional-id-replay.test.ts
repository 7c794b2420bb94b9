// A position opened while the journal could not record it has a provisional (negative) id, and the
// position monitor guards it under that id. When the journal takes writes again the position gets
// its journal id; an exit the monitor asks for under the provisional id must still close it (it is
// the same position), not be refused as "not open". Real simulator over HTTP, real SQLite file
// (switched to query_only while the entry fills).
import { expect } from 'chai';
import { queryOnly } from './support/journal-and-venue-faults.js';
import { Harness } from './support/executor-harness.js';

describe('OrderExecutor: an exit asked for under a provisional id after the journal recorded the position (issue 10b)', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  it('closes the position the provisional id stood for', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store);
    let armed = true;
    port.interceptPlace = async (req, forward) => {
      const answer = await forward();
      if (armed && req.stop === undefined && req.reduceOnly !== true) {
        armed = false;
        queryOnly(store, true);
      }
      return answer;
    };
    const opened = await ex.openPosition(h.signal(a, 'long', 0.01));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const provisionalId = opened.position.id;
    expect(provisionalId).to.be.below(0);

    queryOnly(store, false);
    expect((await ex.reconcile()).errors).to.deep.equal([]);
    const recorded = store.positions.activeForSymbol(a)!;
    expect(recorded.id).to.be.above(0);

    const closed = await ex.closePosition(a, 'stop', provisionalId);
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    expect(port.exitPlaces.filter((p) => p.symbol === a)).to.have.length(1);
    expect(h.sim.engine.ledger.find(a)?.qty ?? 0).to.equal(0);
    if (closed.ok) expect(closed.trade.positionId).to.equal(recorded.id);
    // A second request under either id gets the same trade back, and sends nothing.
    for (const id of [provisionalId, recorded.id]) {
      const again = await ex.closePosition(a, 'stop', id);
      expect(again.ok && again.alreadyClosed, JSON.stringify(again)).to.equal(true);
    }
    expect(port.exitPlaces.filter((p) => p.symbol === a)).to.have.length(1);
  });
});
