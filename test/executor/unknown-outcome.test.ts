// Unknown is not rejected: a reply to an order POST that comes back cut off (malformed) after the
// venue accepted the order leaves its outcome unknown, and it is resolved by asking the venue for
// that clientOid, never booked `rejected`. The entry gets the strategy's own stop within a second
// of its fill being known, and its fee counts in the trade. A reply-truncating proxy sits between
// the real client and the real simulator.
import { expect } from 'chai';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import { roundToTick } from '../../src/risk/index.js';
import { VenueProxy } from '../e2e/support/venue-proxy.js';
import { roundTrips } from '../e2e/support/venue-audit.js';
import { Harness } from './support/executor-harness.js';
import { RecordingPort } from './support/recording-port.js';
import { simCredentials } from '../support/sim-credentials.js';

describe('OrderExecutor: a malformed reply after the venue accepted the order', function () {
  this.timeout(30_000);
  let h: Harness;
  let proxy: VenueProxy;
  let port: RecordingPort;
  /** Wall time of each order POST answer the executor received (or failed to read), by clientOid. */
  const answeredAt = new Map<string, number>();
  const stopSentAt: number[] = [];

  beforeEach(async () => {
    h = await Harness.start();
    proxy = await VenueProxy.start(h.sim.url);
    port = new RecordingPort(
      new KucoinFuturesClient({ baseUrl: proxy.url, credentials: simCredentials(h.sim), timeoutMs: 2_000 }),
    );
    answeredAt.clear();
    stopSentAt.length = 0;
    port.interceptPlace = async (req, forward) => {
      if (req.stop !== undefined) stopSentAt.push(Date.now());
      try {
        return await forward();
      } finally {
        answeredAt.set(req.clientOid, Date.now());
      }
    };
  });

  afterEach(async () => {
    await proxy.close();
    await h.close();
  });

  it('entry: resolved by clientOid as filled, protected by the strategy stop within 1 s, fee in the trade; exit: the same', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const ex = h.executor(port, store);
    const signal = h.signal(a, 'long', 0.01);

    proxy.truncateOrderAnswers({ entries: 1 });
    const opened = await ex.openPosition(signal);
    expect(proxy.truncated.map((t) => t.exit)).to.deep.equal([false]);
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;

    const entry = store.intents.get(opened.entryClientOid)!;
    expect(entry.state).to.equal('filled');
    expect(port.entryPlaces, 'the entry was never sent twice').to.have.length(1);
    // The strategy's stop, not the 2 % fallback, and no adoption.
    const tick = (await h.client().activeContracts()).data.find((c) => c.symbol === a)!.tickSize;
    const strategyStop = roundToTick(signal.stopPrice!, tick, 'down');
    const stops = h.venueStops(a);
    expect(stops).to.have.length(1);
    expect(stops[0]!.stopPrice).to.equal(strategyStop);
    expect(h.eventsOf('adopted')).to.have.length(0);
    // Within 1 s of the fill being known (the garbled answer is when the bot first could know it).
    expect(stopSentAt[0]! - answeredAt.get(opened.entryClientOid)!).to.be.below(1_000);

    proxy.truncateOrderAnswers({ exits: 1 });
    h.moveTo(a, h.sim.market.top(a).last * 1.002);
    const closed = await ex.closePosition(a, 'take-profit');
    expect(proxy.truncated.map((t) => t.exit)).to.deep.equal([false, true]);
    expect(closed.ok, JSON.stringify(closed)).to.equal(true);
    if (!closed.ok) return;
    expect(port.exitPlaces, 'the exit was never sent twice').to.have.length(1);

    const [trip] = roundTrips(h.sim);
    expect(trip!.complete).to.equal(true);
    expect(closed.trade.fees).to.be.closeTo(trip!.fees, 0.005);
    expect(closed.trade.realisedPnl).to.be.closeTo(trip!.net, 0.005);
    expect(store.intents.unresolvedIntents().filter((i) => i.kind !== 'stop')).to.deep.equal([]);
    expect(store.intents.forPosition(opened.position.id).filter((i) => i.state === 'rejected')).to.deep.equal([]);
  });
});
