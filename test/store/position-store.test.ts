import { expect } from 'chai';
import { isActivePositionExistsError, type Store } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

describe('store: positions', () => {
  let temp: TempStores;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    clock = new ManualClock(T0);
    store = temp.open({ clock });
  });
  afterEach(() => temp.cleanup());

  const long = {
    symbol: 'ETHUSDTM',
    side: 'long' as const,
    size: 10,
    entryPrice: 2000,
    stopPrice: 1950,
    takeProfitPrice: 2100,
  };

  it('opens a position with its stop, take-profit and water marks starting at entry', () => {
    const p = store.positions.open({ ...long, leverage: 3, stopOrderId: 'so-1', stopClientOid: 'stop-1' });
    expect(p).to.deep.include({
      symbol: 'ETHUSDTM',
      side: 'long',
      status: 'open',
      adopted: false,
      stopPrice: 1950,
      takeProfitPrice: 2100,
      highWaterMark: 2000,
      lowWaterMark: 2000,
      stopOrderId: 'so-1',
      stopClientOid: 'stop-1',
      openedAt: T0,
      closedAt: null,
    });
    expect(store.positions.activeForSymbol('ETHUSDTM')?.id).to.equal(p.id);
  });

  it('enforces at most one open or closing position per symbol, also across connections', () => {
    const p = store.positions.open(long);
    let caught: unknown;
    try {
      store.positions.open({ ...long, side: 'short' });
    } catch (e) {
      caught = e;
    }
    expect(isActivePositionExistsError(caught)).to.equal(true);
    expect(String(caught)).to.match(/ETHUSDTM/);

    expect(store.positions.markClosing(p.id)).to.equal(true);
    const other = temp.open({ clock });
    expect(() => other.positions.open(long)).to.throw(/already open or closing/);

    store.trades.recordClose({ positionId: p.id, exitPrice: 1990, realisedPnl: -1, fees: 0.1, reason: 'stop' });
    const next = other.positions.open(long);
    expect(next.id).to.not.equal(p.id);
    expect(store.positions.active().map((x) => x.id)).to.deep.equal([next.id]);
    expect(store.positions.open({ ...long, symbol: 'XBTUSDTM' }).status).to.equal('open');
  });

  it('marks closing for exactly one caller, and can undo it when the exit fails', () => {
    const p = store.positions.open(long);
    expect(store.positions.markClosing(p.id)).to.equal(true);
    expect(store.positions.markClosing(p.id)).to.equal(false);
    expect(store.positions.get(p.id)?.status).to.equal('closing');
    expect(store.positions.cancelClosing(p.id)).to.equal(true);
    expect(store.positions.cancelClosing(p.id)).to.equal(false);
    expect(store.positions.get(p.id)?.status).to.equal('open');
  });

  it('records adopted positions found on the exchange', () => {
    const p = store.positions.open({
      symbol: 'SOLUSDTM',
      side: 'short',
      size: 4,
      entryPrice: 150,
      adopted: true,
      viewedAfterTradeId: 0,
      openedAt: T0 - 60_000,
    });
    expect(p).to.deep.include({ adopted: true, stopPrice: null, openedAt: T0 - 60_000 });
  });

  it('updates stop and size, with null clearing and undefined keeping a field', () => {
    const p = store.positions.open(long);
    clock.advance(10);
    const moved = store.positions.update(p.id, { stopPrice: 1980, stopOrderId: 'so-2', takeProfitPrice: null });
    expect(moved).to.deep.include({
      stopPrice: 1980,
      stopOrderId: 'so-2',
      takeProfitPrice: null,
      size: 10,
      updatedAt: T0 + 10,
    });
    expect(store.positions.update(p.id, { size: 6 })).to.deep.include({ size: 6, stopPrice: 1980 });
    expect(() => store.positions.update(p.id, { stopPrice: Number.NaN })).to.throw(/stopPrice must be a finite number/);
    store.trades.recordClose({ positionId: p.id, exitPrice: 1990, realisedPnl: -1, fees: 0, reason: 'manual' });
    expect(() => store.positions.update(p.id, { size: 1 })).to.throw(/no active position/);
  });

  it('only ever widens the trailing water marks', () => {
    const p = store.positions.open(long);
    store.positions.recordPrice(p.id, 2050);
    store.positions.recordPrice(p.id, 2010);
    store.positions.recordPrice(p.id, 1970);
    const after = store.positions.recordPrice(p.id, 2000);
    expect(after).to.deep.include({ highWaterMark: 2050, lowWaterMark: 1970 });
  });
});
