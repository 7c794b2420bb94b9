// The exactly-once rules the file itself enforces (migrations 1 and 2), so that no interleaving of
// flows and no second connection can break them: one trade per position, one journal position per
// venue round trip (no adoption from a venue view older than a close), one entry order in flight
// per symbol, one exit order in flight per position.
import { expect } from 'chai';
import {
  isActivePositionExistsError,
  isIntentInFlightError,
  isStaleVenueViewError,
  migrate,
  MIGRATIONS,
  openDatabase,
  Store as StoreClass,
  type IntentInput,
  type Store,
} from '../../src/store/index.js';
import fs from 'node:fs';
import path from 'node:path';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('store: exactly-once rules', () => {
  let temp: TempStores;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    clock = new ManualClock(T0);
    store = temp.open({ clock });
  });
  afterEach(() => temp.cleanup());

  const long = { symbol: 'WIFUSDTM', side: 'long' as const, size: 10, entryPrice: 2, stopPrice: 1.9 };
  const close = (positionId: number) =>
    store.trades.recordClose({ positionId, exitPrice: 2.1, realisedPnl: 0.9, fees: 0.1, reason: 'take-profit' });

  describe('one trade per position', () => {
    it('the file refuses a second trade row for a position, whoever writes it', () => {
      const p = store.positions.open(long);
      close(p.id);
      const db = openDatabase({ path: temp.file });
      try {
        const e = thrown(() =>
          db
            .prepare(
              `INSERT INTO trades (position_id, symbol, side, size, entry_price, exit_price, realised_pnl, fees, funding, close_reason, opened_at, closed_at, utc_day)
               VALUES (?, 'WIFUSDTM', 'long', 10, 2, 2.2, 1.9, 0.1, 0, 'manual', ?, ?, '2025-01-15')`,
            )
            .run(p.id, T0, T0),
        ) as { code?: string } | undefined;
        expect(e?.code).to.equal('SQLITE_CONSTRAINT_UNIQUE');
      } finally {
        db.close();
      }
      expect(store.trades.stats().trades).to.equal(1);
    });
  });

  describe('one journal position per venue round trip', () => {
    it('refuses to adopt a symbol whose close was booked after the venue view was requested', () => {
      const p = store.positions.open(long);
      const viewedAfterTradeId = store.trades.lastId(); // the list of positions is requested now...
      close(p.id); // ...and the position's close is booked while it is in flight
      const e = thrown(() => store.positions.open({ ...long, adopted: true, viewedAfterTradeId }));
      expect(isStaleVenueViewError(e), String(e)).to.equal(true);
      expect(String(e)).to.match(/WIFUSDTM.*booked after the venue view/);
      expect(store.positions.active()).to.deep.equal([]);
    });

    it('adopts from a view taken after the close, and is not blocked by closes of other symbols', () => {
      const p = store.positions.open(long);
      const other = store.positions.open({ ...long, symbol: 'PEPEUSDTM' });
      const before = store.trades.lastId();
      close(other.id); // another symbol's close does not make the view stale for WIFUSDTM
      close(p.id);
      const fresh = store.trades.lastId();
      expect(fresh).to.be.greaterThan(before);
      const adopted = store.positions.open({ ...long, adopted: true, viewedAfterTradeId: fresh });
      expect(adopted).to.deep.include({ adopted: true, status: 'open' });
      const third = store.positions.open({ ...long, symbol: 'DOGEUSDTM', adopted: true, viewedAfterTradeId: before });
      expect(third.adopted).to.equal(true);
    });

    it('refuses an adoption that does not say which view it came from, also through a second connection', () => {
      expect(isStaleVenueViewError(thrown(() => store.positions.open({ ...long, adopted: true })))).to.equal(true);
      const db = openDatabase({ path: temp.file });
      try {
        const e = thrown(() =>
          db
            .prepare(
              `INSERT INTO positions (symbol, side, size, entry_price, status, adopted, opened_at, updated_at) VALUES ('WIFUSDTM', 'long', 1, 2, 'open', 1, ?, ?)`,
            )
            .run(T0, T0),
        );
        expect(String(e)).to.match(/stale venue view/);
      } finally {
        db.close();
      }
      // An ordinary (non-adopted) open still only meets the one-active-per-symbol rule.
      store.positions.open(long);
      expect(isActivePositionExistsError(thrown(() => store.positions.open(long)))).to.equal(true);
    });
  });

  describe('one journal position per entry', () => {
    it('finds the adopted round trip of an entry learned late: adopted after it was journaled, claimed by no entry', () => {
      const entry: IntentInput = {
        clientOid: 'entry-1',
        symbol: 'WIFUSDTM',
        side: 'buy',
        kind: 'entry',
        size: 10,
        leverage: 5,
      };
      const journaled = store.intents.recordIntent(entry).intent.createdAt;
      clock.advance(5_000);
      const adopted = store.positions.open({ ...long, adopted: true, viewedAfterTradeId: store.trades.lastId() });
      close(adopted.id);
      expect(store.positions.adoptedWithoutEntry('WIFUSDTM', journaled)?.id).to.equal(adopted.id);
      expect(store.positions.adoptedWithoutEntry('WIFUSDTM', journaled + 5_001)).to.equal(undefined);
      expect(store.positions.adoptedWithoutEntry('PEPEUSDTM', journaled)).to.equal(undefined);
      store.intents.attachPosition('entry-1', adopted.id);
      expect(store.positions.adoptedWithoutEntry('WIFUSDTM', journaled), 'claimed by its entry now').to.equal(
        undefined,
      );
    });
  });

  describe('one entry order in flight per symbol', () => {
    const entry: IntentInput = {
      clientOid: 'entry-1',
      symbol: 'WIFUSDTM',
      side: 'buy',
      kind: 'entry',
      size: 10,
      leverage: 5,
    };

    for (const state of ['pending', 'sent', 'unknown', 'acknowledged'] as const) {
      it(`refuses a second entry on the symbol while the first is ${state}; allows it once the first is final`, () => {
        store.intents.recordIntent(entry);
        if (state !== 'pending') store.intents.markSent('entry-1');
        if (state === 'unknown') store.intents.markUnknown('entry-1', 'timeout');
        if (state === 'acknowledged') store.intents.markAcknowledged('entry-1', 'ord-1');
        const e = thrown(() => store.intents.recordIntent({ ...entry, clientOid: 'entry-2' }));
        expect(isIntentInFlightError(e), String(e)).to.equal(true);
        expect(String(e)).to.match(/entry for WIFUSDTM is already in flight \(entry-1\)/);
        expect(store.intents.get('entry-2')).to.equal(undefined);
        // Retrying the same intent is still the idempotent path; other symbols are not affected.
        expect(store.intents.recordIntent(entry).created).to.equal(false);
        expect(store.intents.recordIntent({ ...entry, clientOid: 'entry-3', symbol: 'PEPEUSDTM' }).created).to.equal(
          true,
        );

        if (state === 'pending') store.intents.markRejected('entry-1', 'abandoned');
        else store.intents.markFilled('entry-1', { orderId: 'ord-1' });
        expect(store.intents.recordIntent({ ...entry, clientOid: 'entry-2' }).created).to.equal(true);
      });
    }
  });

  describe('one exit order in flight per position', () => {
    it('refuses a second exit for a position while the first has no known outcome, across connections', () => {
      const p = store.positions.open(long);
      const exit: IntentInput = {
        clientOid: 'exit-1',
        symbol: 'WIFUSDTM',
        side: 'sell',
        kind: 'exit',
        size: 10,
        reduceOnly: true,
        positionId: p.id,
      };
      store.intents.recordIntent(exit);
      store.intents.markSent('exit-1');
      store.intents.markUnknown('exit-1', 'socket hang up');
      const other = temp.open({ clock });
      const e = thrown(() => other.intents.recordIntent({ ...exit, clientOid: 'exit-2' }));
      expect(isIntentInFlightError(e), String(e)).to.equal(true);
      expect(String(e)).to.match(/exit for position \d+ is already in flight \(exit-1\)/);
      // Stops of the position are not exits: the protective stop is placed beside a working exit.
      store.intents.recordIntent({
        clientOid: 'stop-1',
        symbol: 'WIFUSDTM',
        side: 'sell',
        kind: 'stop',
        size: 10,
        reduceOnly: true,
        stop: 'down',
        stopPrice: 1.9,
        stopPriceType: 'MP',
        positionId: p.id,
      });
      store.intents.markRejected('exit-1', 'not found on the exchange by clientOid (reconcile)');
      expect(other.intents.recordIntent({ ...exit, clientOid: 'exit-2' }).created).to.equal(true);
    });
  });

  it('upgrades a version-1 journal in place, keeping its positions and trades', () => {
    const file = path.join(temp.dir, 'v1', 'bot.sqlite');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = openDatabase({ path: file });
    try {
      migrate(db, MIGRATIONS.slice(0, 1));
      db.prepare(
        `INSERT INTO positions (symbol, side, size, entry_price, status, adopted, opened_at, updated_at) VALUES ('WIFUSDTM', 'long', 1, 2, 'open', 1, ?, ?)`,
      ).run(T0, T0);
    } finally {
      db.close();
    }
    const upgraded = StoreClass.open({ path: file, clock });
    try {
      expect(upgraded.schemaVersion).to.equal(MIGRATIONS.length);
      expect(upgraded.positions.active().map((p) => [p.symbol, p.adopted])).to.deep.equal([['WIFUSDTM', true]]);
    } finally {
      upgraded.close();
    }
  });
});
