// An unsettled position (flat on the exchange without exit fills) whose symbol is held again: the
// position there now may be a person's or another bot's. It is ours again only when our own orders
// opened it; otherwise our record stays unsettled and the position is reported as not the bot's:
// never resized onto, stopped, closed or booked. Real simulator over HTTP, real SQLite file.
import { expect } from 'chai';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { Harness } from './support/executor-harness.js';

describe('OrderExecutor: an unsettled position whose symbol is held again (issues 10b x 17)', function () {
  this.timeout(30_000);
  let h: Harness;
  const extra: SimulatorHandle[] = [];

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    for (const s of extra.splice(0)) await s.close();
    await h.close();
  });

  /** The venue restarts under the bot: every position, order and fill is gone. */
  async function restartVenue(): Promise<SimulatorHandle> {
    const port = Number(new URL(h.sim.url).port);
    const c = h.sim.credentials;
    await h.sim.close();
    // Another seed: the venue's order ids never repeat (its id sequence derives from the seed).
    const sim = await startSimulator({
      contracts: 3,
      clock: 'manual',
      seed: 8,
      port,
      apiKey: c.apiKey,
      apiSecret: c.apiSecret,
      apiPassphrase: c.apiPassphrase,
    });
    extra.push(sim);
    return sim;
  }

  for (const who of [
    { name: 'a person', clientOid: 'manual-open-a', owner: 'person' },
    { name: 'another bot', clientOid: 'kb_other7_eheld', owner: 'other-bot' },
  ] as const) {
    it(`${who.name} opens the symbol again: ours stays unsettled, theirs is not resized onto, stopped, closed or booked`, async () => {
      const a = h.symbol(0);
      const store = h.store();
      const port = h.port();
      const ex = h.executor(port, store, { botId: 'mine1' });
      const opened = await ex.openPosition(h.signal(a));
      expect(opened.ok, JSON.stringify(opened)).to.equal(true);
      if (!opened.ok) return;
      const ours = opened.position.size;
      expect(ours).to.be.greaterThan(1);
      await restartVenue();
      let report = await ex.reconcile();
      if (report.errors.some((e) => /ECONNRESET|socket hang up/.test(e))) report = await ex.reconcile();
      expect(report.positionsUnsettled).to.deep.equal([a]);

      // Someone else opens a smaller position on the symbol.
      await h
        .client()
        .placeOrder({ clientOid: who.clientOid, symbol: a, side: 'buy', type: 'market', size: ours - 1, leverage: 3 });
      const placesBefore = port.places.length;
      for (let pass = 0; pass < 2; pass++) {
        const r = await ex.reconcile();
        expect(r.errors, `pass ${pass}`).to.deep.equal([]);
        expect(r.positionsUnsettled, `pass ${pass}`).to.deep.equal([a]);
        expect(r.positionsForeign, `pass ${pass}`).to.deep.equal([a]);
        expect(r.stopsPlaced, `pass ${pass}`).to.deep.equal([]);
        expect(r.positionsClosed, `pass ${pass}`).to.deep.equal([]);
        expect(r.contested, `pass ${pass}`).to.deep.equal(who.owner === 'other-bot' ? [a] : []);
      }
      expect(store.positions.activeForSymbol(a)!.size).to.equal(ours);
      expect((await ex.status()).unsettled).to.deep.equal([a]);
      expect(ex.accountScope().foreignPositions.map((p) => [p.symbol, p.owner])).to.deep.equal([[a, who.owner]]);
      // An exit asked for meanwhile sends nothing: the lots there are not ours.
      const closed = await ex.closePosition(a, 'stop');
      expect(closed.ok).to.equal(false);
      expect(port.places.slice(placesBefore)).to.deep.equal([]);
      expect((await h.client().position(a)).data.currentQty).to.equal(ours - 1);
      expect(store.trades.recent(10)).to.deep.equal([]);
      expect(h.eventsOf('closed')).to.have.length(0);
    });
  }

  it('held again by our own order (the venue showed it flat for a moment): settled, protected again', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store, { botId: 'mine1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const ours = opened.position.size;
    await restartVenue();
    let report = await ex.reconcile();
    if (report.errors.some((e) => /ECONNRESET|socket hang up/.test(e))) report = await ex.reconcile();
    expect(report.positionsUnsettled).to.deep.equal([a]);
    // The venue gets our position back (as restored from its own records, under our clientOid).
    await h.client().placeOrder({
      clientOid: 'kb_mine1_erestored1',
      symbol: a,
      side: 'buy',
      type: 'market',
      size: ours,
      leverage: 5,
    });
    const r = await ex.reconcile();
    expect(r.errors).to.deep.equal([]);
    expect(r.positionsUnsettled).to.deep.equal([]);
    expect(r.positionsForeign).to.deep.equal([]);
    expect(r.stopsPlaced).to.deep.equal([a]);
    expect((await ex.status()).unsettled).to.deep.equal([]);
  });
});
