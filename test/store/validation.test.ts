import { expect } from 'chai';
import { isStoreInputError, Store, type IntentInput } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isStoreInputError(e)) return e.field;
    throw e;
  }
  throw new Error('expected a StoreInputError');
}

describe('store: input validation before SQL', () => {
  let temp: TempStores;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    clock = new ManualClock(T0);
    store = temp.open({ clock });
  });
  afterEach(() => temp.cleanup());

  const intent: IntentInput = { clientOid: 'c-1', symbol: 'XBTUSDTM', side: 'buy', kind: 'entry', size: 1, price: 100 };

  it('rejects non-finite and out-of-range numbers in intents, naming the field', () => {
    const cases: [Partial<Record<keyof IntentInput, unknown>>, string][] = [
      [{ size: Number.NaN }, 'size'],
      [{ size: 0 }, 'size'],
      [{ size: '1' }, 'size'],
      [{ price: Number.POSITIVE_INFINITY }, 'price'],
      [{ price: -5 }, 'price'],
      [{ leverage: Number.NaN }, 'leverage'],
      [{ stop: 'down', stopPrice: Number.NEGATIVE_INFINITY }, 'stopPrice'],
      [{ clientOid: 'has space' }, 'clientOid'],
      [{ clientOid: 'x'.repeat(41) }, 'clientOid'],
      [{ side: 'long' }, 'side'],
      [{ kind: 'market' }, 'kind'],
      [{ positionId: 1.5 }, 'positionId'],
    ];
    for (const [patch, field] of cases) {
      expect(
        fieldOf(() => store.intents.recordIntent({ ...intent, ...patch } as IntentInput)),
        JSON.stringify(patch),
      ).to.equal(field);
    }
    expect(store.intents.unresolvedIntents()).to.deep.equal([]);

    store.intents.recordIntent(intent);
    store.intents.markSent('c-1');
    expect(fieldOf(() => store.intents.markPartiallyFilled('c-1', { filledSize: Number.NaN }))).to.equal('filledSize');
    expect(fieldOf(() => store.intents.markFilled('c-1', { avgFillPrice: Number.NEGATIVE_INFINITY }))).to.equal(
      'avgFillPrice',
    );
    expect(() => store.intents.markFilled('c-1', { avgFillPrice: Number.NaN })).to.throw(
      /avgFillPrice must be a finite number, got NaN/,
    );
    expect(store.intents.get('c-1')?.state).to.equal('sent');
  });

  it('rejects bad numbers in positions, closes and fills, writing nothing', () => {
    const position = { symbol: 'XBTUSDTM', side: 'long' as const, size: 1, entryPrice: 100 };
    expect(fieldOf(() => store.positions.open({ ...position, entryPrice: Number.NaN }))).to.equal('entryPrice');
    expect(fieldOf(() => store.positions.open({ ...position, size: -1 }))).to.equal('size');
    expect(fieldOf(() => store.positions.open({ ...position, takeProfitPrice: Number.POSITIVE_INFINITY }))).to.equal(
      'takeProfitPrice',
    );
    expect(fieldOf(() => store.positions.open({ ...position, openedAt: 1.5 }))).to.equal('openedAt');
    expect(store.positions.active()).to.deep.equal([]);

    const p = store.positions.open(position);
    expect(fieldOf(() => store.positions.recordPrice(p.id, Number.NaN))).to.equal('price');
    const close = { positionId: p.id, exitPrice: 101, realisedPnl: 1, fees: 0.1, reason: 'manual' as const };
    expect(fieldOf(() => store.trades.recordClose({ ...close, realisedPnl: Number.NaN }))).to.equal('realisedPnl');
    expect(fieldOf(() => store.trades.recordClose({ ...close, fees: Number.POSITIVE_INFINITY }))).to.equal('fees');
    expect(fieldOf(() => store.trades.recordClose({ ...close, funding: Number.NaN }))).to.equal('funding');
    expect(fieldOf(() => store.trades.recordClose({ ...close, exitPrice: 0 }))).to.equal('exitPrice');
    expect(fieldOf(() => store.trades.recordClose({ ...close, closedAt: -1 }))).to.equal('closedAt');
    expect(fieldOf(() => store.trades.recordClose({ ...close, reason: 'bored' as 'manual' }))).to.equal('reason');
    expect(store.trades.stats().trades).to.equal(0);
    expect(store.positions.get(p.id)?.status).to.equal('open');

    const fill = {
      tradeId: 't',
      orderId: 'o',
      symbol: 'XBTUSDTM',
      side: 'buy' as const,
      price: 1,
      size: 1,
      fee: 0,
      time: T0,
    };
    expect(fieldOf(() => store.fills.recordFill({ ...fill, fee: Number.NaN }))).to.equal('fills[0].fee');
    expect(fieldOf(() => store.fills.recordFill({ ...fill, time: Number.NaN }))).to.equal('fills[0].time');
    expect(store.fills.lastFillTime()).to.equal(null);
  });

  it('refuses a clock that does not give integer milliseconds', () => {
    clock.t = Number.NaN;
    expect(fieldOf(() => store.intents.recordIntent(intent))).to.equal('clock.now()');
    clock.t = T0 + 0.5;
    expect(() => store.events.recordAlert({ kind: 'k', subject: 's', message: 'm' })).to.throw(
      /clock\.now\(\) must be a non-negative integer/,
    );
  });

  it('validates the options it is opened with', () => {
    expect(fieldOf(() => Store.open({}))).to.equal('path');
    expect(fieldOf(() => Store.open({ path: temp.file, busyTimeoutMs: Number.NaN }))).to.equal('busyTimeoutMs');
  });
});
