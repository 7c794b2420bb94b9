import fs from 'node:fs';
import { expect } from 'chai';
import type { Store } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

describe('store: façade', () => {
  let temp: TempStores;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    store = temp.open({ clock: new ManualClock(T0) });
  });
  afterEach(() => temp.cleanup());

  function exitFlow(): number {
    const p = store.positions.open({ symbol: 'XBTUSDTM', side: 'long', size: 1, entryPrice: 100 });
    store.intents.recordIntent({
      clientOid: 'exit-1',
      symbol: 'XBTUSDTM',
      side: 'sell',
      kind: 'exit',
      size: 1,
      reduceOnly: true,
      positionId: p.id,
    });
    store.intents.markSent('exit-1');
    return p.id;
  }

  it('commits an exit fill and the position close together', () => {
    const id = exitFlow();
    store.transaction(() => {
      store.intents.markFilled('exit-1', { orderId: 'o-1', avgFillPrice: 105 });
      store.trades.recordClose({ positionId: id, exitPrice: 105, realisedPnl: 4.9, fees: 0.1, reason: 'take-profit' });
    });
    expect(store.intents.get('exit-1')?.state).to.equal('filled');
    expect(store.realisedPnlTotal()).to.equal(4.9);
  });

  it('rolls both back when anything in the transaction throws', () => {
    const id = exitFlow();
    expect(() =>
      store.transaction(() => {
        store.intents.markFilled('exit-1', { orderId: 'o-1' });
        store.trades.recordClose({
          positionId: id,
          exitPrice: 105,
          realisedPnl: 4.9,
          fees: 0.1,
          reason: 'take-profit',
        });
        throw new Error('crash between the two');
      }),
    ).to.throw(/crash between/);
    expect(store.intents.get('exit-1')?.state).to.equal('sent');
    expect(store.positions.get(id)?.status).to.equal('open');
    expect(store.realisedPnlTotal()).to.equal(0);
  });

  it('checkpoints the WAL into the main file on request', () => {
    exitFlow();
    store.checkpoint();
    expect(fs.statSync(`${temp.file}-wal`).size).to.equal(0);
    expect(store.intents.get('exit-1')?.state).to.equal('sent');
  });

  it('closes idempotently', () => {
    expect(store.isOpen).to.equal(true);
    store.close();
    store.close();
    expect(store.isOpen).to.equal(false);
  });
});
