// Pure pieces of the executor: PnL arithmetic, single-flight, clientOid factory, option checks.
import { expect } from 'chai';
import {
  createClientOidFactory,
  describeTradeEvent,
  isValidClientOid,
  OrderExecutor,
  tradePnl,
} from '../../src/executor/index.js';
import { KeyedSerial, SingleFlight } from '../../src/executor/single-flight.js';
import { summarizeFills } from '../../src/executor/fill-summary.js';
import { LIMITS } from './support/executor-harness.js';
import type { Store } from '../../src/store/index.js';
import type { ExchangePort } from '../../src/executor/index.js';
import { deferred } from '../support/deferred.js';

describe('executor units', () => {
  it('tradePnl: long and short, multiplier, fees on both legs', () => {
    // 100 lots of 0.001 BTC, 65000 -> 65650: +65 gross; fees 3.9 + 3.939
    const long = tradePnl({
      side: 'long',
      entryPrice: 65000,
      exitPrice: 65650,
      size: 100,
      multiplier: 0.001,
      entryFees: 3.9,
      exitFees: 3.939,
    });
    expect(long.gross).to.be.closeTo(65, 1e-9);
    expect(long.net).to.be.closeTo(65 - 7.839, 1e-9);
    const short = tradePnl({
      side: 'short',
      entryPrice: 65000,
      exitPrice: 65650,
      size: 100,
      multiplier: 0.001,
      entryFees: 1,
      exitFees: 1,
    });
    expect(short.net).to.be.closeTo(-67, 1e-9);
    expect(() =>
      tradePnl({
        side: 'long',
        entryPrice: Number.NaN,
        exitPrice: 1,
        size: 1,
        multiplier: 1,
        entryFees: 0,
        exitFees: 0,
      }),
    ).to.throw(/entryPrice/);
  });

  it('summarizeFills: size-weighted average and fee sum', () => {
    const s = summarizeFills([
      { price: 100, size: 1, fee: 0.1, time: 5 },
      { price: 110, size: 3, fee: 0.2, time: 3 },
    ]);
    expect(s.size).to.equal(4);
    expect(s.avgPrice).to.equal(107.5);
    expect(s.fees).to.be.closeTo(0.3, 1e-12);
    expect([s.firstTime, s.lastTime]).to.deep.equal([3, 5]);
    expect(Number.isNaN(summarizeFills([]).avgPrice)).to.equal(true);
  });

  it('SingleFlight collapses concurrent calls per key and forgets settled ones', async () => {
    const sf = new SingleFlight<number, number>();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fn = async () => {
      runs++;
      await gate;
      return runs;
    };
    const p = [sf.run(1, fn), sf.run(1, fn), sf.run(2, fn)];
    release();
    expect(await Promise.all(p)).to.deep.equal([2, 2, 2]);
    expect(runs).to.equal(2);
    expect(sf.size).to.equal(0);
    await sf.run(1, fn);
    expect(runs).to.equal(3);
  });

  it('KeyedSerial runs tasks of one key in order, even after a failure', async () => {
    const ks = new KeyedSerial<string>();
    const started: string[] = [];
    const order: string[] = [];
    const holdA = deferred<void>(); // 'a' runs until the test releases it, then fails
    const a = ks.serial('k', async () => {
      started.push('a');
      await holdA.promise;
      order.push('a');
      throw new Error('a');
    });
    const quick = (name: string) => async (): Promise<string> => {
      started.push(name);
      order.push(name);
      return name;
    };
    const b = ks.serial('k', quick('b'));
    const c = ks.serial('other', quick('c'));
    await c; // another key is not held up by 'a'
    expect(started, "'b' waits for 'a'").to.deep.equal(['a', 'c']);
    holdA.resolve();
    await Promise.allSettled([a, b]);
    expect(order).to.deep.equal(['c', 'a', 'b']);
  });

  it('clientOid factory: valid, unique, at most 40 characters', () => {
    const make = createClientOidFactory({ clock: { now: () => 1_700_000_000_000 } });
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const oid = make(i % 2 ? 'entry' : 'stop');
      expect(isValidClientOid(oid), oid).to.equal(true);
      seen.add(oid);
    }
    expect(seen.size).to.equal(2000);
    expect(() => createClientOidFactory({ botId: 'bad id!' })).to.throw(/BOT_ID/);
  });

  it('options are checked once, naming the field', () => {
    const exchange = {} as ExchangePort;
    const store = {} as Store;
    expect(() => new OrderExecutor({ exchange, store, limits: { ...LIMITS, riskPerTrade: 2 } })).to.throw(
      /limits.riskPerTrade/,
    );
    expect(() => new OrderExecutor({ exchange, store, limits: { ...LIMITS, leverage: Number.NaN } })).to.throw(
      /limits.leverage/,
    );
    expect(() => new OrderExecutor({ exchange, store, limits: LIMITS, maxSendAttempts: 0 })).to.throw(
      /maxSendAttempts/,
    );
    expect(() => new OrderExecutor({ exchange, store, limits: LIMITS, fallbackStopFraction: 0.7 })).to.throw(
      /fallbackStopFraction/,
    );
  });

  it('describeTradeEvent renders one readable line', () => {
    const line = describeTradeEvent({
      type: 'closed',
      at: 0,
      symbol: 'XBTUSDTM',
      side: 'long',
      size: 10,
      entryPrice: 65000,
      exitPrice: 65100,
      pnl: 0.6123,
      fees: 0.78,
      reason: 'take-profit',
    });
    expect(line).to.equal('CLOSED XBTUSDTM long 10 65000 -> 65100 pnl 0.61 fees 0.7800 (take-profit)');
  });
});
