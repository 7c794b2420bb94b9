import { expect } from 'chai';
import type { Store } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { TempStores } from '../support/temp-stores.js';

const MIDNIGHT = Date.UTC(2025, 2, 1); // 2025-03-01T00:00:00Z

describe('store: daily PnL by UTC day', () => {
  let temp: TempStores;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    clock = new ManualClock(MIDNIGHT - 3600_000);
    store = temp.open({ clock });
  });
  afterEach(() => temp.cleanup());

  function closeAt(ms: number, pnl: number, fees: number, symbol: string): void {
    clock.t = ms - 1000;
    const p = store.positions.open({ symbol, side: 'short', size: 1, entryPrice: 10 });
    clock.t = ms;
    store.trades.recordClose({
      positionId: p.id,
      exitPrice: 9,
      realisedPnl: pnl,
      fees,
      funding: 0.01,
      reason: 'take-profit',
    });
  }

  it('assigns closes either side of midnight to their own UTC day', () => {
    closeAt(MIDNIGHT - 1, -5, 0.5, 'AUSDTM');
    closeAt(MIDNIGHT - 1, 2, 0.25, 'BUSDTM');
    closeAt(MIDNIGHT, 7, 0.125, 'CUSDTM');
    expect(store.dailyPnl.today()).to.equal('2025-03-01');
    expect(store.dailyPnl.forDay('2025-02-28')).to.deep.equal({
      day: '2025-02-28',
      realisedPnl: -3,
      fees: 0.75,
      funding: 0.02,
      trades: 2,
      wins: 1,
      losses: 1,
      startEquity: null,
    });
    expect(store.dailyPnl.current()).to.deep.include({ day: '2025-03-01', realisedPnl: 7, fees: 0.125, trades: 1 });
    expect(store.dailyPnl.forDay('2025-03-02')).to.deep.include({ realisedPnl: 0, trades: 0 });
    expect(store.dailyPnl.range('2025-02-01', '2025-03-31').map((d) => [d.day, d.realisedPnl])).to.deep.equal([
      ['2025-02-28', -3],
      ['2025-03-01', 7],
    ]);
  });

  it('keeps the first start-of-day equity of each day, so a restart cannot reset the kill switch baseline', () => {
    clock.t = MIDNIGHT - 10;
    expect(store.dailyPnl.recordStartOfDayEquity(1000)).to.deep.include({
      day: '2025-02-28',
      startEquity: 1000,
      created: true,
    });
    clock.t = MIDNIGHT + 5;
    expect(store.dailyPnl.startOfDayEquity()).to.equal(null);
    expect(store.dailyPnl.recordStartOfDayEquity(990).created).to.equal(true);
    // Mid-day restart, after a loss: the morning baseline stays.
    store.close();
    clock.t = MIDNIGHT + 15 * 3600_000;
    const reopened = temp.open({ clock });
    expect(reopened.dailyPnl.recordStartOfDayEquity(900)).to.deep.include({
      startEquity: 990,
      created: false,
      recordedAt: MIDNIGHT + 5,
    });
    expect(reopened.dailyPnl.startOfDayEquity('2025-02-28')).to.equal(1000);
    expect(reopened.dailyPnl.current().startEquity).to.equal(990);
  });

  it('rejects malformed days and non-finite equity', () => {
    expect(() => store.dailyPnl.forDay('2025-3-1')).to.throw(/day must be a UTC day/);
    expect(() => store.dailyPnl.recordStartOfDayEquity(Number.NaN)).to.throw(/equity must be a finite number, got NaN/);
  });
});
