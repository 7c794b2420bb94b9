import { expect } from 'chai';
import { isStoreNotFoundError, type Store } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

describe('store: closed trades', () => {
  let temp: TempStores;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    clock = new ManualClock(T0);
    store = temp.open({ clock });
  });
  afterEach(() => temp.cleanup());

  function openLong(symbol = 'XBTUSDTM') {
    return store.positions.open({ symbol, side: 'long', size: 2, entryPrice: 100 });
  }

  it('records a close: the trade and the closed position together', () => {
    const p = openLong();
    clock.advance(60_000);
    const { trade, created, position } = store.trades.recordClose({
      positionId: p.id,
      exitPrice: 110,
      realisedPnl: 19.2,
      fees: 0.6,
      funding: -0.2,
      reason: 'take-profit',
    });
    expect(created).to.equal(true);
    expect(trade).to.deep.include({
      positionId: p.id,
      symbol: 'XBTUSDTM',
      side: 'long',
      size: 2,
      entryPrice: 100,
      exitPrice: 110,
      realisedPnl: 19.2,
      fees: 0.6,
      funding: -0.2,
      closeReason: 'take-profit',
      openedAt: T0,
      closedAt: T0 + 60_000,
      utcDay: '2025-01-15',
    });
    expect(position).to.deep.include({ status: 'closed', closedAt: T0 + 60_000 });
    expect(store.positions.activeForSymbol('XBTUSDTM')).to.equal(undefined);
    expect(store.trades.forPosition(p.id)?.id).to.equal(trade.id);
  });

  it('closes each position exactly once: a second close returns the first trade and changes nothing', () => {
    const p = openLong();
    const first = store.trades.recordClose({
      positionId: p.id,
      exitPrice: 90,
      realisedPnl: -20.5,
      fees: 0.5,
      reason: 'stop',
    });
    const second = store.trades.recordClose({
      positionId: p.id,
      exitPrice: 91,
      realisedPnl: -18,
      fees: 0.5,
      reason: 'exchange-stop',
    });
    expect(second.created).to.equal(false);
    expect(second.trade).to.deep.equal(first.trade);
    expect(store.trades.recent()).to.have.length(1);
    expect(store.realisedPnlTotal()).to.equal(-20.5);
  });

  it('closes once when both of two connections close the same position', () => {
    const other = temp.open({ clock });
    const results = [];
    for (let i = 0; i < 10; i++) {
      const p = openLong(`SYM${i}USDTM`);
      // Interleave which connection goes first.
      const [a, b] = i % 2 === 0 ? [store, other] : [other, store];
      results.push(
        a.trades.recordClose({ positionId: p.id, exitPrice: 105, realisedPnl: 9, fees: 1, reason: 'trailing' }),
      );
      results.push(
        b.trades.recordClose({ positionId: p.id, exitPrice: 104, realisedPnl: 7, fees: 1, reason: 'manual' }),
      );
    }
    expect(results.filter((r) => r.created)).to.have.length(10);
    expect(store.trades.stats()).to.deep.equal({
      trades: 10,
      wins: 10,
      losses: 0,
      realisedPnl: 90,
      fees: 10,
      funding: 0,
    });
  });

  it('refuses a close larger than the position', () => {
    const p = openLong();
    expect(() =>
      store.trades.recordClose({ positionId: p.id, exitPrice: 1, realisedPnl: 0, fees: 0, size: 3, reason: 'manual' }),
    ).to.throw(/size 3 exceeds the position's size 2/);
    expect(store.positions.get(p.id)?.status).to.equal('open');
  });

  it('refuses to close a position that does not exist', () => {
    let caught: unknown;
    try {
      store.trades.recordClose({ positionId: 42, exitPrice: 1, realisedPnl: 0, fees: 0, reason: 'manual' });
    } catch (e) {
      caught = e;
    }
    expect(isStoreNotFoundError(caught)).to.equal(true);
  });

  it('books PnL, fees and funding at the settlement currency precision: no float noise in the journal', () => {
    const p = openLong('NOISEUSDTM');
    const { trade } = store.trades.recordClose({
      positionId: p.id,
      exitPrice: 101,
      realisedPnl: -52.22002964000007,
      fees: 0.1 + 0.2,
      funding: -0.30000000000000004,
      reason: 'stop',
    });
    expect(trade).to.include({ realisedPnl: -52.22002964, fees: 0.3, funding: -0.3 });
    expect(store.trades.get(trade.id)).to.include({ realisedPnl: -52.22002964, fees: 0.3, funding: -0.3 });
    expect(store.dailyPnl.current()).to.include({ realisedPnl: -52.22002964, fees: 0.3 });
  });

  it('keeps the total consistent: realisedPnlTotal equals the sum of trades and of the days', () => {
    const pnls = [0.1, 0.2, -0.3, 1e-9, 12345.678, -0.07];
    for (const [i, pnl] of pnls.entries()) {
      const p = openLong(`S${i}USDTM`);
      clock.advance(6 * 3600_000);
      store.trades.recordClose({ positionId: p.id, exitPrice: 101, realisedPnl: pnl, fees: 0.01, reason: 'manual' });
    }
    const total = store.realisedPnlTotal();
    const days = store.dailyPnl.range('2025-01-01', '2025-12-31');
    expect(days.length).to.be.greaterThan(1);
    // Each trade is booked at USDT's 8 decimals (the 1e-9 rounds to 0), the sums too.
    expect(total).to.be.closeTo(
      pnls.reduce((a, b) => a + b, 0),
      1e-8,
    );
    expect(days.reduce((a, d) => a + d.realisedPnl, 0)).to.be.closeTo(total, 1e-8);
    // 1e-9 USDT is below the currency's precision: booked as 0, a breakeven, not a win.
    expect(store.trades.stats()).to.deep.include({ trades: 6, wins: 3, losses: 2 });
    expect(store.trades.recent(2).map((t) => t.realisedPnl)).to.deep.equal([-0.07, 12345.678]);
  });
});
