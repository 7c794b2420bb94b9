import { expect } from 'chai';
import {
  canTransition,
  INTENT_STATES,
  isClientOidConflictError,
  isIllegalTransitionError,
  isStoreNotFoundError,
  type IntentInput,
  type IntentState,
  type Store,
} from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

const entry: IntentInput = {
  clientOid: 'entry-1',
  symbol: 'XBTUSDTM',
  side: 'buy',
  kind: 'entry',
  size: 3,
  leverage: 5,
};

describe('store: order journal', () => {
  let temp: TempStores;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    clock = new ManualClock(T0);
    store = temp.open({ clock });
  });
  afterEach(() => temp.cleanup());

  it('journals an intent as pending with injected timestamps', () => {
    const { intent, created } = store.intents.recordIntent({ ...entry, price: 50_000.5, reduceOnly: false });
    expect(created).to.equal(true);
    expect(intent).to.deep.include({
      clientOid: 'entry-1',
      state: 'pending',
      price: 50_000.5,
      reduceOnly: false,
      attempts: 0,
      orderId: null,
      createdAt: T0,
      updatedAt: T0,
    });
  });

  it('is idempotent by clientOid: a second record returns the stored row, never a second intent', () => {
    const first = store.intents.recordIntent(entry).intent;
    store.intents.markSent('entry-1');
    clock.advance(1000);
    const again = store.intents.recordIntent(entry);
    expect(again.created).to.equal(false);
    expect(again.intent.id).to.equal(first.id);
    expect(again.intent.state).to.equal('sent');
    expect(again.intent.createdAt).to.equal(T0);
    expect(store.intents.unresolvedIntents()).to.have.length(1);
  });

  it('refuses the same clientOid for a different order, naming the fields', () => {
    store.intents.recordIntent(entry);
    let caught: unknown;
    try {
      store.intents.recordIntent({ ...entry, size: 4, side: 'sell' });
    } catch (e) {
      caught = e;
    }
    expect(isClientOidConflictError(caught)).to.equal(true);
    expect(String(caught)).to.match(/side, size/);
  });

  it('walks the happy path pending -> sent -> acknowledged -> partially-filled -> filled', () => {
    store.intents.recordIntent(entry);
    clock.advance(5);
    expect(store.intents.markSent('entry-1')).to.deep.include({ state: 'sent', attempts: 1, updatedAt: T0 + 5 });
    expect(store.intents.markSent('entry-1').attempts).to.equal(2); // retry, same clientOid
    expect(store.intents.markAcknowledged('entry-1', 'ord-9')).to.deep.include({
      state: 'acknowledged',
      orderId: 'ord-9',
    });
    expect(store.intents.markPartiallyFilled('entry-1', { filledSize: 1, avgFillPrice: 100 })).to.deep.include({
      state: 'partially-filled',
      filledSize: 1,
    });
    const filled = store.intents.markFilled('entry-1', { avgFillPrice: 101 });
    expect(filled).to.deep.include({ state: 'filled', filledSize: 3, avgFillPrice: 101, orderId: 'ord-9' });
    expect(store.intents.byOrderId('ord-9').map((i) => i.clientOid)).to.deep.equal(['entry-1']);
    expect(store.intents.unresolvedIntents()).to.deep.equal([]);
  });

  it('throws on illegal transitions, naming both states', () => {
    store.intents.recordIntent(entry);
    expect(() => store.intents.markFilled('entry-1')).to.throw(/pending -> filled/);
    store.intents.markSent('entry-1');
    store.intents.markRejected('entry-1', '300003 balance not enough');
    let caught: unknown;
    try {
      store.intents.markSent('entry-1');
    } catch (e) {
      caught = e;
    }
    expect(isIllegalTransitionError(caught)).to.equal(true);
    expect(caught).to.deep.include({ from: 'rejected', to: 'sent', clientOid: 'entry-1' });
    expect(String(caught)).to.match(/rejected -> sent/);
    expect(store.intents.get('entry-1')).to.deep.include({ state: 'rejected', reason: '300003 balance not enough' });
  });

  it('encodes the state machine exactly', () => {
    const allowed: Record<IntentState, IntentState[]> = {
      pending: ['sent', 'cancelled', 'rejected'],
      sent: ['sent', 'acknowledged', 'partially-filled', 'filled', 'cancelled', 'rejected', 'unknown'],
      unknown: ['sent', 'acknowledged', 'partially-filled', 'filled', 'cancelled', 'rejected', 'unknown'],
      acknowledged: ['acknowledged', 'partially-filled', 'filled', 'cancelled'],
      'partially-filled': ['partially-filled', 'filled', 'cancelled'],
      // Repeating a final outcome is a no-op, not a change.
      filled: ['filled'],
      cancelled: ['cancelled'],
      rejected: ['rejected'],
    };
    for (const from of INTENT_STATES) {
      const actual = INTENT_STATES.filter((to) => canTransition(from, to));
      expect(actual, from).to.have.members(allowed[from]);
    }
  });

  it('treats a repeated final outcome as a no-op but a conflicting orderId as an error', () => {
    store.intents.recordIntent(entry);
    store.intents.markSent('entry-1');
    const filled = store.intents.markFilled('entry-1', { orderId: 'ord-1' });
    clock.advance(100);
    expect(store.intents.markFilled('entry-1', { orderId: 'ord-1' })).to.deep.equal(filled);
    expect(() => store.intents.markFilled('entry-1', { orderId: 'ord-2' })).to.throw(/ord-2 differs from ord-1/);
  });

  it('requires an orderId to acknowledge, a reason to reject, and never lets filled size shrink', () => {
    store.intents.recordIntent(entry);
    store.intents.markSent('entry-1');
    expect(() => store.intents.transition('entry-1', 'acknowledged')).to.throw(/orderId is required/);
    expect(() => store.intents.transition('entry-1', 'rejected')).to.throw(/reason is required/);
    store.intents.markPartiallyFilled('entry-1', { filledSize: 2, orderId: 'o' });
    expect(() => store.intents.markPartiallyFilled('entry-1', { filledSize: 1 })).to.throw(/must not decrease/);
    expect(() => store.intents.markFilled('entry-1', { filledSize: 4 })).to.throw(/exceeds the order size 3/);
  });

  it('lists unresolved intents for reconciliation: everything not filled, cancelled or rejected', () => {
    const oids = ['p-1', 's-1', 'u-1', 'a-1', 'f-1', 'c-1', 'r-1'];
    for (const clientOid of oids) {
      // One symbol each: a symbol has at most one entry in flight (see the exactly-once tests).
      store.intents.recordIntent({ ...entry, clientOid, symbol: `${clientOid.toUpperCase()}USDTM` });
      clock.advance(1);
    }
    for (const clientOid of oids.slice(1)) store.intents.markSent(clientOid);
    store.intents.markUnknown('u-1', 'timeout after 10 s');
    store.intents.markAcknowledged('a-1', 'ord-a');
    store.intents.markFilled('f-1');
    store.intents.markCancelled('c-1', 'expired');
    store.intents.markRejected('r-1', 'bad');
    const unresolved = store.intents.unresolvedIntents();
    expect(unresolved.map((i) => [i.clientOid, i.state])).to.deep.equal([
      ['p-1', 'pending'],
      ['s-1', 'sent'],
      ['u-1', 'unknown'],
      ['a-1', 'acknowledged'],
    ]);
    expect(unresolved[2]?.reason).to.equal('timeout after 10 s');
    // Resolved by clientOid on reconcile:
    store.intents.markFilled('u-1', { orderId: 'ord-u', avgFillPrice: 99 });
    expect(store.intents.unresolvedIntents().map((i) => i.clientOid)).to.deep.equal(['p-1', 's-1', 'a-1']);
  });

  it('validates kinds that need extra fields and links intents to positions', () => {
    expect(() => store.intents.recordIntent({ ...entry, clientOid: 'st-1', kind: 'stop' })).to.throw(
      /stop is required/,
    );
    expect(() => store.intents.recordIntent({ ...entry, clientOid: 'st-1', stopPrice: 90 })).to.throw(/stop/);
    expect(() =>
      store.intents.recordIntent({ clientOid: 'cx-1', symbol: 'XBTUSDTM', side: 'sell', kind: 'cancel', size: 0 }),
    ).to.throw(/targetClientOid/);
    const cancel = store.intents.recordIntent({
      clientOid: 'cx-1',
      symbol: 'XBTUSDTM',
      side: 'sell',
      kind: 'cancel',
      size: 0,
      targetClientOid: 'st-1',
    });
    expect(cancel.created).to.equal(true);

    const position = store.positions.open({ symbol: 'XBTUSDTM', side: 'long', size: 3, entryPrice: 100 });
    const stop = store.intents.recordIntent({
      clientOid: 'st-2',
      symbol: 'XBTUSDTM',
      side: 'sell',
      kind: 'stop',
      size: 3,
      reduceOnly: true,
      stop: 'down',
      stopPrice: 95,
      stopPriceType: 'MP',
      positionId: position.id,
    }).intent;
    expect(stop).to.deep.include({
      stop: 'down',
      stopPrice: 95,
      stopPriceType: 'MP',
      reduceOnly: true,
      positionId: position.id,
    });
    store.intents.recordIntent(entry);
    store.intents.attachPosition('entry-1', position.id);
    expect(store.intents.forPosition(position.id).map((i) => i.clientOid)).to.deep.equal(['st-2', 'entry-1']);
    expect(() =>
      store.intents.recordIntent({ ...entry, clientOid: 'bad-link', symbol: 'ETHUSDTM', positionId: 999 }),
    ).to.throw(/FOREIGN KEY/);
  });

  it('reports unknown clientOids as not found', () => {
    let caught: unknown;
    try {
      store.intents.markSent('nope');
    } catch (e) {
      caught = e;
    }
    expect(isStoreNotFoundError(caught)).to.equal(true);
    expect(store.intents.get('nope')).to.equal(undefined);
  });
});
