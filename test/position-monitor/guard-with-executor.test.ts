// PositionGuard driving the REAL OrderExecutor (real simulator over HTTP, real client, real SQLite):
// the trailing stop moves the venue's stop order, and a take-profit closes the position exactly once
// however many prices arrive while the close is under way.
import { expect } from 'chai';
import { ExecutorService } from '../../src/executor/executor-service.js';
import type { OrderExecutor } from '../../src/executor/index.js';
import { PositionGuard, type GuardExecutor } from '../../src/position-monitor/position-guard.js';
import { systemClock } from '../../src/resilience/clock.js';
import { roundToTick } from '../../src/risk/step-rounding.js';
import { Harness } from '../executor/support/executor-harness.js';

/** The executor as the monitor reaches it: its RPC surface (over comlink every method returns a promise). */
function asGuardExecutor(ex: OrderExecutor): GuardExecutor {
  const quiet = (): undefined => undefined;
  const service = new ExecutorService({
    executor: ex,
    metrics: { count: quiet, gauge: quiet, call: quiet },
    log: { info: quiet, warn: quiet, error: quiet, debug: quiet },
  });
  return {
    openPositions: () => service.openPositions(),
    closePosition: (symbol, reason, positionId) =>
      service.requestExit({ symbol, reason, ...(positionId !== undefined && { positionId }) }),
    moveStop: (symbol, stop) => service.moveStop(symbol, stop),
  };
}

describe('PositionGuard with the real OrderExecutor against the simulator', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  it('trails the venue stop up, then takes profit with exactly one close order', async () => {
    const port = h.port();
    const store = h.store();
    const ex = h.executor(port, store);
    await ex.reconcile();
    const symbol = h.symbol(0);
    const base = h.signal(symbol, 'long', 0.01);
    const opened = await ex.openPosition({ ...base, takeProfitPrice: base.price * 1.04 });
    expect(opened.ok, JSON.stringify(opened)).to.equal(true);
    if (!opened.ok) return;
    const entry = opened.position.entryPrice;
    const tick = (await h.client().activeContracts()).data.find((c) => c.symbol === symbol)!.tickSize;

    const guard = new PositionGuard({
      executor: asGuardExecutor(ex),
      client: h.client(),
      clock: systemClock,
      options: { trailingStopPercentage: 0.01, minStopGapMs: 0 },
    });
    const r = await guard.refresh();
    expect(r).to.deep.include({ added: [symbol], flatOnExchange: [], exchangeOnly: [] });
    expect(guard.positions()[0]).to.deep.include({
      exchangeQty: opened.position.size,
      stop: opened.position.stopPrice,
    });

    // Up 2 %: the trailing stop (1 % behind) is well above the entry stop; the venue's stop follows.
    h.moveTo(symbol, entry * 1.02);
    const top = h.sim.market.top(symbol);
    const mid = (top.bid + top.ask) / 2;
    const action = guard.onPrice(symbol, mid);
    const expected = roundToTick(mid * 0.99, tick, 'down');
    expect(action).to.deep.equal({ kind: 'move-stop', stop: expected });
    await guard.idle();
    const venueStops = (await h.client().untriggeredStopOrders({ symbol })).data.items;
    expect(venueStops.map((o) => o.stopPrice)).to.deep.equal([expected]);
    expect(guard.metrics().errors).to.equal(0);

    // Through the target: a burst of prices, one close.
    h.moveTo(symbol, entry * 1.045);
    const top2 = h.sim.market.top(symbol);
    const kinds: string[] = [];
    for (let i = 0; i < 25; i++) {
      kinds.push(guard.onPrice(symbol, (top2.bid + top2.ask) / 2).kind);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await guard.idle();
    expect(kinds[0]).to.equal('close');
    expect(kinds.filter((k) => k === 'close')).to.have.length(1);
    expect(port.exitPlaces).to.have.length(1);
    expect(h.sim.engine.ledger.find(symbol)?.qty ?? 0).to.equal(0);
    const trade = store.trades.recent(1)[0]!;
    expect(trade).to.deep.include({ symbol, closeReason: 'take-profit' });
    expect(trade.realisedPnl).to.be.greaterThan(0);

    const after = await guard.refresh();
    expect(after.removed).to.deep.equal([symbol]);
    expect(guard.symbols()).to.deep.equal([]);
  });
});
