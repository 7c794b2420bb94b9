import { expect } from 'chai';
import type { FillInput, Store } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

function fill(tradeId: string, time: number, extra: Partial<FillInput> = {}): FillInput {
  return {
    tradeId,
    orderId: 'ord-1',
    clientOid: 'entry-1',
    symbol: 'XBTUSDTM',
    side: 'buy',
    price: 100,
    size: 1,
    fee: 0.06,
    feeCurrency: 'USDT',
    liquidity: 'taker',
    time,
    ...extra,
  };
}

describe('store: fills', () => {
  let temp: TempStores;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    store = temp.open({ clock: new ManualClock(T0) });
  });
  afterEach(() => temp.cleanup());

  it('has no last fill time before the first fill', () => {
    expect(store.fills.lastFillTime()).to.equal(null);
  });

  it('de-duplicates re-imported fills by exchange trade id', () => {
    expect(store.fills.recordFills([fill('t1', T0), fill('t2', T0 + 10)])).to.deep.equal({
      inserted: 2,
      duplicates: 0,
    });
    // "Fills since last run" overlaps what is stored: only the new one is inserted.
    const since = store.fills.lastFillTime();
    expect(since).to.equal(T0 + 10);
    expect(store.fills.recordFills([fill('t2', T0 + 10), fill('t3', T0 + 20)])).to.deep.equal({
      inserted: 1,
      duplicates: 1,
    });
    expect(store.fills.recordFill(fill('t3', T0 + 20))).to.equal(false);
    expect(store.fills.since(T0 + 10).map((f) => f.tradeId)).to.deep.equal(['t2', 't3']);
    expect(store.fills.lastFillTime()).to.equal(T0 + 20);
    expect(store.fills.forOrder('ord-1')).to.have.length(3);
    expect(store.fills.forClientOid('entry-1')[0]).to.deep.include({
      price: 100,
      fee: 0.06,
      liquidity: 'taker',
      recordedAt: T0,
    });
  });

  it('keeps both sides of a self-trade (same trade id, different orders)', () => {
    store.fills.recordFill(fill('t1', T0));
    expect(store.fills.recordFill(fill('t1', T0, { orderId: 'ord-2', side: 'sell', liquidity: 'maker' }))).to.equal(
      true,
    );
  });

  it('stores a batch atomically: one invalid fill stores none', () => {
    expect(() =>
      store.fills.recordFills([fill('t1', T0), fill('t2', T0, { price: Number.POSITIVE_INFINITY })]),
    ).to.throw(/fills\[1\]\.price must be a finite number, got Infinity/);
    expect(store.fills.lastFillTime()).to.equal(null);
  });
});
