// An exit of the bot's whose intent the journal does not hold (dropped on a journal replay, or sent
// while the journal could not be read): its fills carry no clientOid and the journal does not know
// its order id, but the order carries the bot's kb_<BOT_ID>_ clientOid. The position is closed from
// those fills (one trade, the venue's price), not left unsettled for ever; a person's sell on the
// symbol is still not counted. Real simulator over HTTP, real SQLite file.
import { expect } from 'chai';
import { Harness } from './support/executor-harness.js';

describe('OrderExecutor: an own exit the journal does not know (issues 10b x 17)', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  it('is recognised by its kb_<BOT_ID>_ clientOid: the position is booked closed from its fill, not unsettled', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const ex = h.executor(h.port(), store, { botId: 'mine1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const ours = opened.position.size;
    // Our exit reached the venue, but its intent never made it into the journal.
    const { data } = await h.client().placeOrder({
      clientOid: 'kb_mine1_elostintent1',
      symbol: a,
      side: 'sell',
      type: 'market',
      size: ours,
      leverage: 5,
      reduceOnly: true,
    });
    expect(store.intents.byOrderId(data.orderId)).to.deep.equal([]);

    const r = await ex.reconcile();
    expect(r.errors).to.deep.equal([]);
    expect(r.positionsUnsettled).to.deep.equal([]);
    expect(r.positionsClosed).to.deep.equal([a]);
    const trades = store.trades.recent(10);
    expect(trades.map((t) => [t.symbol, t.size])).to.deep.equal([[a, ours]]);
    const venueFill = h.sim.engine.listFills({ orderId: data.orderId });
    expect(trades[0]!.exitPrice).to.be.closeTo(venueFill[0]!.price, 1e-9);
  });

  it("a person's sell on the symbol is not taken for our exit: still unsettled", async () => {
    const a = h.symbol(0);
    const store = h.store();
    const ex = h.executor(h.port(), store, { botId: 'mine1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    await h.client().placeOrder({
      clientOid: 'manual-sell-a',
      symbol: a,
      side: 'sell',
      type: 'market',
      size: opened.position.size,
      leverage: 5,
      reduceOnly: true,
    });
    const r = await ex.reconcile();
    expect(r.positionsUnsettled).to.deep.equal([a]);
    expect(store.trades.recent(10)).to.deep.equal([]);
  });
});
