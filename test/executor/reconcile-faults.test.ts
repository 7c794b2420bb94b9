// Reconciliation under faults the exchange causes behind the bot's back: a stop order that is
// gone, an acknowledged order the exchange no longer knows, and a simulator restarted under the
// bot (every position and fill vanishes). None may lock entries out for good or invent money, and
// each is reported to health (a `health` trade event) until it is resolved.
import { expect } from 'chai';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import type { TradeEvent } from '../../src/executor/index.js';
import { Harness } from './support/executor-harness.js';

type HealthEvent = Extract<TradeEvent, { type: 'health' }>;

/** Removes an order from the venue as if it never existed (the exchange answers "not found"). */
function forgetOrder(sim: SimulatorHandle, clientOid: string): void {
  const engine = sim.engine as unknown as { orders: Map<string, unknown>; byClientOid: Map<string, string> };
  const id = engine.byClientOid.get(clientOid);
  if (id === undefined) throw new Error(`venue has no order ${clientOid}`);
  engine.orders.delete(id);
  engine.byClientOid.delete(clientOid);
}

describe('OrderExecutor: reconciliation under exchange-side faults', function () {
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

  const lastHealth = (key: HealthEvent['key']): HealthEvent | undefined =>
    h
      .eventsOf('health')
      .filter((e) => e.key === key)
      .at(-1);

  it('a stop removed from the exchange is cancelled and the position protected again; reconciliation completes', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const ex = h.executor(h.port(), store);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    const stopOid = opened.position.stopClientOid!;
    forgetOrder(h.sim, stopOid);
    expect(h.venueStops(a)).to.have.length(0);

    const report = await ex.reconcile();
    expect(report.errors).to.deep.equal([]);
    expect(report.blockingIntents).to.deep.equal([]);
    expect(store.intents.get(stopOid)!.state).to.equal('cancelled');
    expect(report.stopsPlaced).to.deep.equal([a]);
    const live = h.venueStops(a);
    expect(live).to.have.length(1);
    expect(live[0]!.stopPrice).to.equal(opened.position.stopPrice);
    expect(h.eventsOf('alert').some((e) => e.reason.includes(stopOid))).to.equal(true);
    expect(lastHealth('reconcile')!.status).to.equal(null);
    // And the next pass is clean too: nothing left to block entries.
    const again = await ex.reconcile();
    expect(again.errors).to.deep.equal([]);
    expect(again.stopsPlaced).to.deep.equal([]);
  });

  it('an acknowledged entry the exchange no longer knows is resolved from the position (open: protected) with an alert', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const ex = h.executor(h.port(), store);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    if (!opened.ok) return;
    // An executor that died after the entry was acknowledged, before its fill was read.
    const other = h.store();
    other.intents.recordIntent({
      clientOid: 'lost-entry-1',
      symbol: a,
      side: 'buy',
      kind: 'entry',
      size: 1,
      leverage: 5,
    });
    other.intents.markSent('lost-entry-1');
    other.intents.markAcknowledged('lost-entry-1', 'venue-order-that-vanished');

    const report = await ex.reconcile();
    expect(report.errors).to.deep.equal([]);
    expect(store.intents.get('lost-entry-1')!.state).to.equal('cancelled');
    expect(store.intents.unresolvedIntents().filter((i) => i.kind === 'entry')).to.deep.equal([]);
    expect(h.eventsOf('alert').some((e) => e.reason.includes('lost-entry-1') && /open/.test(e.reason))).to.equal(true);
    expect(h.venueStops(a)).to.have.length(1);
  });

  it('while an intent cannot be resolved, health is DEGRADED naming it', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const port = h.port();
    const ex = h.executor(port, store);
    store.intents.recordIntent({
      clientOid: 'stuck-exit-1',
      symbol: a,
      side: 'sell',
      kind: 'exit',
      size: 1,
      reduceOnly: true,
      leverage: 5,
    });
    store.intents.markSent('stuck-exit-1');
    port.orderByClientOid = () =>
      Promise.reject(Object.assign(new Error('orderByClientOid: 503 (test)'), { code: '500000', httpStatus: 503 }));
    const report = await ex.reconcile();
    expect(report.blockingIntents).to.deep.equal([`exit stuck-exit-1 (${a}, sent)`]);
    const health = lastHealth('reconcile')!;
    expect(health.status).to.equal('DEGRADED');
    expect(health.reason).to.contain('stuck-exit-1');
  });

  it('the simulator restarts under the bot: the vanished position is unsettled, 0 PnL booked, not guarded, DEGRADED naming it', async () => {
    const a = h.symbol(0);
    const store = h.store();
    const ex = h.executor(h.port(), store);
    const opened = await ex.openPosition(h.signal(a));
    expect(opened.ok).to.equal(true);
    const port = Number(new URL(h.sim.url).port);
    const c = h.sim.credentials;
    await h.sim.close();
    extra.push(
      await startSimulator({
        contracts: 3,
        clock: 'manual',
        seed: 7,
        port,
        apiKey: c.apiKey,
        apiSecret: c.apiSecret,
        apiPassphrase: c.apiPassphrase,
      }),
    );

    // The first call after the restart may meet the old keep-alive socket (ECONNRESET), as the bot would.
    let report = await ex.reconcile();
    if (report.errors.some((e) => /ECONNRESET|socket hang up/.test(e))) report = await ex.reconcile();
    expect(report.positionsUnsettled).to.deep.equal([a]);
    expect(report.positionsClosed).to.deep.equal([]);
    expect(report.errors).to.deep.equal([]);
    expect(store.trades.recent(10)).to.deep.equal([]);
    expect(store.realisedPnlTotal()).to.equal(0);
    expect(store.dailyPnl.current().realisedPnl).to.equal(0);
    expect(ex.openPositions()).to.deep.equal([]);
    expect((await ex.status()).unsettled).to.deep.equal([a]);
    const health = lastHealth('unsettled')!;
    expect(health.status).to.equal('DEGRADED');
    expect(health.reason).to.contain(a);
    expect(h.eventsOf('closed')).to.have.length(0);
    // A close requested meanwhile books nothing either.
    const closed = await ex.closePosition(a, 'stop');
    expect(closed.ok).to.equal(false);
    expect(store.trades.recent(10)).to.deep.equal([]);
  });
});
