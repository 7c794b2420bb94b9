// Crash safety at the class level: an executor "dies" at the worst moments (its promises never
// settle again, as in a killed process) and a fresh executor on the same SQLite file reconciles.
import { expect } from 'chai';
import { ExchangeError } from '../../src/exchange/exchange-error.js';
import { Harness } from './support/executor-harness.js';
import type { RecordingPort } from './support/recording-port.js';
import type { Store } from '../../src/store/index.js';
import { waitUntil } from '../support/wait-until.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('OrderExecutor: crash safety and restart', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  it('(a) journaled but never sent: reconcile abandons the intent and sends nothing', async () => {
    const a = h.symbol(0);
    const first = h.store();
    // What the executor writes before sending, then the process dies (pending: never marked sent).
    first.intents.recordIntent({
      clientOid: 'crash-pending-1',
      symbol: a,
      side: 'buy',
      kind: 'entry',
      size: 10,
      leverage: 5,
    });
    // And one that died right after being marked sent, before the request left (another symbol:
    // a symbol has at most one entry in flight).
    const port0 = h.port();
    port0.interceptPlace = () => never();
    const dying = h.executor(port0, first);
    void dying.openPosition(h.signal(h.symbol(1)));
    await waitUntil('entry marked sent', () => first.intents.unresolvedIntents().some((i) => i.state === 'sent'), {
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    const sent = first.intents.unresolvedIntents().find((i) => i.state === 'sent')!;

    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store);
    const report = await ex.reconcile();
    expect(report.intentsAbandoned).to.equal(2);
    expect(store.intents.get('crash-pending-1')?.state).to.equal('rejected');
    expect(store.intents.get(sent.clientOid)?.state).to.equal('rejected');
    expect(store.intents.unresolvedIntents()).to.have.length(0);
    expect(port.places).to.have.length(0);
    expect(h.venueOrders()).to.have.length(0);
    expect(ex.openPositions()).to.have.length(0);
  });

  it('(b1) the POST reached the venue but the response was lost: resolved by clientOid, never sent twice', async () => {
    const a = h.symbol(0);
    const port = h.port();
    const store = h.store();
    let dropped = 0;
    port.interceptPlace = async (req, forward) => {
      const answer = await forward();
      if (req.stop === undefined && dropped++ === 0) {
        throw new ExchangeError({
          code: 'TIMEOUT',
          httpStatus: null,
          retryable: true,
          action: 'retry',
          message: 'placeOrder: no response (dropped by the test)',
          endpoint: 'placeOrder',
          resetMs: null,
        });
      }
      return answer;
    };
    const ex = h.executor(port, store);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    expect(port.entryPlaces).to.have.length(1);
    const entries = h.sim.engine.listOrders({ symbol: a }).filter((o) => !o.reduceOnly);
    expect(entries).to.have.length(1);
    expect(entries[0]!.clientOid).to.equal(opened.entryClientOid);
    expect(h.sim.engine.ledger.find(a)!.qty).to.equal(opened.position.size);
    expect(h.venueStops(a)).to.have.length(1);
  });

  /** Applies a simulator fault to the first entry POST only (stop orders and re-sends go through clean). */
  function faultFirstEntry(port: RecordingPort, spec: string): void {
    let done = false;
    port.interceptPlace = async (req, forward) => {
      if (req.stop !== undefined || done) return forward();
      done = true;
      h.sim.faults.set(spec);
      try {
        return await forward();
      } finally {
        h.sim.faults.clear();
      }
    };
  }

  it('(b2) the POST hangs (venue hang fault, client times out): re-sent with the SAME clientOid, one order', async () => {
    const a = h.symbol(0);
    const port = h.port(300);
    const store = h.store();
    faultFirstEntry(port, 'hang=1');
    const ex = h.executor(port, store);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const oids = port.entryPlaces.map((p) => p.clientOid);
    expect(oids.length).to.be.at.least(2);
    expect(new Set(oids).size).to.equal(1);
    expect(h.sim.engine.listOrders({ symbol: a }).filter((o) => !o.reduceOnly)).to.have.length(1);
    expect(h.sim.engine.ledger.find(a)!.qty).to.equal(opened.position.size);
    const intent = store.intents.get(opened.entryClientOid)!;
    expect(intent.state).to.equal('filled');
    expect(intent.attempts).to.equal(oids.length);
  });

  it('(b3) the POST is slower than the client timeout and lands after the re-send: the venue dedupes, one order', async () => {
    const a = h.symbol(0);
    const port = h.port(300);
    const store = h.store();
    faultFirstEntry(port, 'latency=1:900');
    // Every order POST the venue itself handles, by clientOid: the slow first one lands after the re-send.
    const landed: string[] = [];
    const engine = h.sim.engine;
    const place = engine.place.bind(engine);
    engine.place = (raw) => {
      landed.push(String((raw as { clientOid?: unknown }).clientOid));
      return place(raw);
    };
    const ex = h.executor(port, store);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const oids = port.entryPlaces.map((p) => p.clientOid);
    expect(oids.length, 'a second POST was sent').to.be.at.least(2);
    expect(new Set(oids).size).to.equal(1);
    // Wait until the venue has handled every entry POST sent, the slow first one included: only then
    // does "one order" prove the venue deduped by clientOid.
    const entryPosts = (): number => landed.filter((oid) => oid === opened.entryClientOid).length;
    await waitUntil('the slow first POST to reach the venue', () => entryPosts() >= oids.length, {
      timeoutMs: 10_000,
      intervalMs: 10,
    });
    expect(entryPosts()).to.equal(oids.length);
    expect(h.sim.engine.listOrders({ symbol: a }).filter((o) => !o.reduceOnly)).to.have.length(1);
    expect(h.sim.engine.ledger.find(a)!.qty).to.equal(opened.position.size);
  });

  it('(c) dies after the fill, before the stop: a fresh executor protects the position; realised PnL unchanged', async () => {
    const [a, b] = [h.symbol(0), h.symbol(1)];
    const first = h.store();
    const port0 = h.port();
    const ex0 = h.executor(port0, first);
    // A closed trade first, so there is realised PnL to keep.
    expect((await ex0.openPosition(h.signal(b, 'short'))).ok).to.equal(true);
    h.moveTo(b, h.sim.market.top(b).last * 0.997);
    const closed = await ex0.closePosition(b, 'take-profit');
    expect(closed.ok).to.equal(true);
    const pnlBefore = first.realisedPnlTotal();
    expect(pnlBefore).to.not.equal(0);

    port0.interceptPlace = (req, forward) => (req.stop !== undefined ? never() : forward());
    void ex0.openPosition(h.signal(a));
    await waitUntil(
      'fill recorded, stop in flight',
      () => first.positions.activeForSymbol(a) !== undefined && port0.stopPlaces.length === 2,
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    expect(h.venueStops(a)).to.have.length(0);

    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store);
    const report = await ex.reconcile();
    expect(report.stopsPlaced).to.deep.equal([a]);
    expect(report.errors).to.deep.equal([]);
    const live = h.venueStops(a);
    expect(live).to.have.length(1);
    const pos = store.positions.activeForSymbol(a)!;
    expect(live[0]!.id).to.equal(pos.stopOrderId);
    expect(live[0]!.size).to.equal(pos.size);
    expect(port.entryPlaces).to.have.length(0);
    expect(store.realisedPnlTotal()).to.equal(pnlBefore);
    expect(store.intents.unresolvedIntents().filter((i) => i.kind !== 'stop')).to.have.length(0);

    // And a second restart changes nothing: still exactly one stop.
    const again = await h.executor(h.port(), h.store()).reconcile();
    expect(again.stopsPlaced).to.deep.equal([]);
    expect(again.stopsCancelled).to.equal(0);
    expect(h.venueStops(a)).to.have.length(1);
  });

  it('(c2) dies after the entry was accepted, before its fill was confirmed: reconcile records and protects it', async () => {
    const a = h.symbol(0);
    const first = h.store();
    const client = h.client();
    const port0 = h.port();
    // The fill confirmation never returns (process frozen right after the POST was answered).
    port0.orderByClientOid = () => never();
    const ex0 = h.executor(port0, first);
    void ex0.openPosition(h.signal(a));
    await waitUntil(
      'entry acknowledged',
      () => first.intents.unresolvedIntents().some((i) => i.state === 'acknowledged'),
      { timeoutMs: 5_000, intervalMs: 10 },
    );
    expect(first.positions.activeForSymbol(a)).to.equal(undefined);

    const store = h.store();
    const ex = h.executor(h.port(), store);
    const report = await ex.reconcile();
    expect(report.intentsResolved).to.equal(1);
    expect(report.positionsAdopted).to.deep.equal([]);
    expect(report.stopsPlaced).to.deep.equal([a]);
    const pos = store.positions.activeForSymbol(a)!;
    const venue = (await client.position(a)).data;
    expect(pos.size).to.equal(venue.currentQty);
    expect(pos.entryPrice).to.be.closeTo(venue.avgEntryPrice, 1e-6);
    expect(pos.adopted).to.equal(false);
    expect(h.venueStops(a)).to.have.length(1);
  });

  it('adopts a position the exchange holds without a local record when its opening order carries the bot prefix, with a fallback stop 2 % away', async () => {
    const a = h.symbol(0);
    // The journal was lost, BOT_ID was kept: the opening order is recognisably this bot's.
    await h
      .client()
      .placeOrder({ clientOid: 'kb_h1_outside1', symbol: a, side: 'sell', type: 'market', size: 20, leverage: 3 });
    const store: Store = h.store();
    const ex = h.executor(h.port(), store, { botId: 'h1' });
    const report = await ex.reconcile();
    expect(report.positionsAdopted).to.deep.equal([a]);
    const pos = store.positions.activeForSymbol(a)!;
    expect(pos.adopted).to.equal(true);
    expect(pos.side).to.equal('short');
    expect(pos.size).to.equal(20);
    expect(pos.stopPrice!).to.be.closeTo(pos.entryPrice * 1.02, pos.entryPrice * 0.0001);
    const live = h.venueStops(a);
    expect(live).to.have.length(1);
    expect(live[0]!.stop).to.equal('up');
    expect(h.eventsOf('adopted')).to.have.length(1);
  });

  it('duplicate and orphan stops of its own are cancelled: exactly one live stop per open position', async () => {
    const [a, b] = [h.symbol(0), h.symbol(1)];
    const store = h.store();
    const ex = h.executor(h.port(), store, { botId: 'h1' });
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    const client = h.client();
    const stop = opened.position.stopPrice!;
    await client.placeOrder({
      clientOid: 'kb_h1_dupstop1',
      symbol: a,
      side: 'sell',
      type: 'market',
      size: opened.position.size,
      leverage: 5,
      reduceOnly: true,
      stop: 'down',
      stopPrice: Number((stop - 100).toFixed(1)),
      stopPriceType: 'MP',
    });
    await client.placeOrder({
      clientOid: 'kb_h1_orphan1',
      symbol: b,
      side: 'sell',
      type: 'market',
      size: 1,
      leverage: 5,
      reduceOnly: true,
      stop: 'down',
      stopPrice: 1,
      stopPriceType: 'MP',
    });
    const report = await ex.reconcile();
    expect(report.stopsCancelled).to.equal(2);
    expect(h.venueStops(a).map((o) => o.id)).to.deep.equal([opened.stopOrderId]);
    expect(h.venueStops(b)).to.have.length(0);
  });
});
