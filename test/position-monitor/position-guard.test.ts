// PositionGuard with a scripted executor and exchange and a hand-driven clock.
import { expect } from 'chai';
import {
  PositionGuard,
  resolvePositionGuardOptions,
  type GuardPosition,
  type PositionGuardOptions,
} from '../../src/position-monitor/position-guard.js';
import { isCanonicalMultiple } from '../../src/risk/step-rounding.js';
import { FakeExchange, FakeExecutor, exchangePosition } from './support/guard-fakes.js';
import { HandClock } from '../support/hand-clock.js';

function long(
  symbol: string,
  entryPrice: number,
  stopPrice: number | null,
  takeProfitPrice: number | null = null,
  size = 10,
): GuardPosition {
  return { symbol, side: 'long', size, entryPrice, stopPrice, takeProfitPrice };
}
function short(
  symbol: string,
  entryPrice: number,
  stopPrice: number | null,
  takeProfitPrice: number | null = null,
  size = 10,
): GuardPosition {
  return { symbol, side: 'short', size, entryPrice, stopPrice, takeProfitPrice };
}

async function setup(positions: GuardPosition[], options: PositionGuardOptions = {}) {
  const executor = new FakeExecutor();
  executor.positions = positions;
  const exchange = new FakeExchange();
  const clock = new HandClock();
  const errors: string[] = [];
  const guard = new PositionGuard({
    executor,
    client: exchange,
    clock,
    options: { trailingStopPercentage: 0.02, ...options },
    onError: (m) => errors.push(m),
  });
  await guard.refresh();
  return { executor, exchange, clock, guard, errors };
}

describe('PositionGuard', () => {
  describe('trailing stop', () => {
    it('tightens a long stop only, and asks the executor to move it to the tick-rounded price', async () => {
      const { guard, executor, clock } = await setup([long('ETHUSDTM', 3400, 3300)]);
      expect(guard.onPrice('ETHUSDTM', 3500.37)).to.deep.equal({ kind: 'move-stop', stop: 3430.36 }); // 3500.37 x 0.98 = 3430.3626, down to the tick
      await guard.idle();
      expect(executor.moves.map((m) => [m.symbol, m.stop])).to.deep.equal([['ETHUSDTM', 3430.36]]);

      clock.advance(10_000);
      expect(guard.onPrice('ETHUSDTM', 3450)).to.deep.equal({ kind: 'hold', stop: 3430.36 }); // price fell: the stop stays
      expect(guard.positions()[0]?.stop).to.equal(3430.36);
      expect(executor.moves).to.have.length(1);
    });

    it('tightens a short stop only (rounded up), mirrored', async () => {
      const { guard, executor, clock } = await setup([short('XBTUSDTM', 65000, 66300)]);
      guard.onPrice('XBTUSDTM', 63000.05); // 63000.05 x 1.02 = 64260.051, up to 64260.1
      await guard.idle();
      expect(executor.moves.map((m) => m.stop)).to.deep.equal([64260.1]);
      clock.advance(10_000);
      expect(guard.onPrice('XBTUSDTM', 63900)).to.deep.equal({ kind: 'hold', stop: 64260.1 });
    });

    it('never loosens over a long random walk, and every requested stop is on the tick and tighter than the last', async () => {
      const { guard, executor, clock } = await setup([long('DOGEUSDTM', 0.12, 0.114)]);
      let x = 0.12;
      let seed = 12345;
      const rand = (): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      let prevStop = 0;
      for (let i = 0; i < 400; i++) {
        x = Math.max(0.1195, x * (1 + (rand() - 0.45) * 0.004)); // drifts up, floored above the stop
        clock.advance(250);
        guard.onPrice('DOGEUSDTM', x);
        await guard.idle();
        const stop = guard.positions()[0]!.stop!;
        expect(stop).to.be.at.least(prevStop);
        prevStop = stop;
      }
      const sent = executor.moves.map((m) => m.stop);
      expect(sent.length).to.be.greaterThan(3);
      for (let i = 0; i < sent.length; i++) {
        expect(isCanonicalMultiple(sent[i]!, 0.00001), String(sent[i])).to.equal(true);
        if (i > 0) expect(sent[i]! - sent[i - 1]!).to.be.at.least(0.00001 - 1e-12);
      }
    });

    it('sends sub-step moves (>= 1 tick, < minStopStepFraction) only after stopSyncIntervalMs, and none below a tick', async () => {
      const { guard, executor, clock } = await setup([long('XBTUSDTM', 100, 95)], {
        minStopStepFraction: 0.001,
        stopSyncIntervalMs: 5000,
        minStopGapMs: 1000,
      });
      guard.onPrice('XBTUSDTM', 101); // stop 98.9 (101 x 0.98 = 98.98 -> 98.9)
      await guard.idle();
      expect(executor.moves.map((m) => m.stop)).to.deep.equal([98.9]);

      clock.advance(1500);
      // 101.05 x 0.98 = 99.029 -> 99.0: one tick tighter, below 0.1 % of the price: held back for now.
      expect(guard.onPrice('XBTUSDTM', 101.05)).to.deep.equal({ kind: 'hold', stop: 99 });
      clock.advance(3400); // 4.9 s since the last move
      expect(guard.onPrice('XBTUSDTM', 101.05).kind).to.equal('hold');
      clock.advance(100); // 5 s
      expect(guard.onPrice('XBTUSDTM', 101.05)).to.deep.equal({ kind: 'move-stop', stop: 99 });
      await guard.idle();

      clock.advance(60_000);
      // 101.09 x 0.98 = 99.0682 -> 99.0 again: not even a tick, nothing to send however long we wait.
      expect(guard.onPrice('XBTUSDTM', 101.09)).to.deep.equal({ kind: 'hold', stop: 99 });
      expect(executor.moves.map((m) => m.stop)).to.deep.equal([98.9, 99]);
    });

    it('keeps one stop move in flight per symbol, at least minStopGapMs apart', async () => {
      const { guard, executor, clock } = await setup([long('XBTUSDTM', 100, 95)], { minStopGapMs: 1000 });
      executor.autoAnswer = false;
      guard.onPrice('XBTUSDTM', 101);
      clock.advance(2000);
      expect(guard.onPrice('XBTUSDTM', 105).kind).to.equal('hold'); // first move still in flight
      expect(executor.moves).to.have.length(1);
      executor.moves[0]!.answer.resolve({ accepted: true });
      await guard.idle();
      expect(guard.onPrice('XBTUSDTM', 106)).to.deep.equal({ kind: 'move-stop', stop: 103.8 });
      executor.moves[1]!.answer.resolve({ accepted: true });
      await guard.idle();
      clock.advance(999); // a big move, but too soon after the last request
      expect(guard.onPrice('XBTUSDTM', 110)).to.deep.equal({ kind: 'hold', stop: 107.8 });
      clock.advance(1);
      expect(guard.onPrice('XBTUSDTM', 110)).to.deep.equal({ kind: 'move-stop', stop: 107.8 });
      expect(executor.moves.map((m) => m.stop)).to.deep.equal([98.9, 103.8, 107.8]);
    });

    it('retries a failed stop move after retryDelayMs', async () => {
      const { guard, executor, clock, errors } = await setup([long('XBTUSDTM', 100, 95)], {
        retryDelayMs: 1000,
        minStopGapMs: 0,
      });
      executor.autoAnswer = false;
      guard.onPrice('XBTUSDTM', 101);
      executor.moves[0]!.answer.resolve({ accepted: false, reason: 'guard refused' });
      await guard.idle();
      expect(errors.at(-1)).to.match(/stop move to 98.9 refused: guard refused/);
      clock.advance(999);
      expect(guard.onPrice('XBTUSDTM', 101).kind).to.equal('hold');
      clock.advance(1);
      expect(guard.onPrice('XBTUSDTM', 101)).to.deep.equal({ kind: 'move-stop', stop: 98.9 });
    });

    it('places a stop for a position that has none (one trailing distance from entry)', async () => {
      const { guard, executor } = await setup([short('ETHUSDTM', 3400, null)]);
      // At the entry nothing has trailed yet: the stop goes 2 % above it (3400 x 1.02).
      expect(guard.onPrice('ETHUSDTM', 3400)).to.deep.equal({ kind: 'move-stop', stop: 3468 });
      await guard.idle();
      expect(executor.moves.map((m) => m.stop)).to.deep.equal([3468]);
    });
  });

  describe('exits', () => {
    it('take-profit: exactly one close while prices keep arriving and the close is slow', async () => {
      const { guard, executor, clock } = await setup([long('ETHUSDTM', 3400, 3300, 3600)]);
      executor.autoAnswer = false;
      expect(guard.onPrice('ETHUSDTM', 3600.5)).to.deep.equal({ kind: 'close', reason: 'take-profit', price: 3600.5 });
      for (let i = 0; i < 100; i++) {
        clock.advance(50);
        expect(guard.onPrice('ETHUSDTM', 3601 + i).kind).to.equal('closing');
      }
      executor.closes[0]!.answer.resolve({ accepted: true, detail: 'closed' });
      await guard.idle();
      for (let i = 0; i < 20; i++) {
        clock.advance(50);
        expect(guard.onPrice('ETHUSDTM', 3610).kind).to.equal('closing');
      }
      expect(executor.closes.map((c) => [c.symbol, c.reason])).to.deep.equal([['ETHUSDTM', 'take-profit']]);
      expect(executor.moves).to.deep.equal([]);
      expect(guard.metrics().closesRequested).to.equal(1);
    });

    it('stop: exactly one close, reason "stop" at the original stop and "trailing" once it has trailed', async () => {
      const a = await setup([short('XBTUSDTM', 65000, 66000)]);
      a.executor.autoAnswer = false;
      for (let i = 0; i < 30; i++) a.guard.onPrice('XBTUSDTM', 66000 + i);
      expect(a.executor.closes.map((c) => c.reason)).to.deep.equal(['stop']);

      const b = await setup([long('XBTUSDTM', 100, 95)]);
      b.guard.onPrice('XBTUSDTM', 110); // trails to 107.8
      await b.guard.idle();
      b.executor.autoAnswer = false;
      expect(b.guard.onPrice('XBTUSDTM', 107.8)).to.deep.equal({ kind: 'close', reason: 'trailing', price: 107.8 });
      expect(b.guard.onPrice('XBTUSDTM', 107)).to.deep.equal({ kind: 'closing' });
      expect(b.executor.closes).to.have.length(1);
    });

    it('retries a failed close after retryDelayMs, never sooner', async () => {
      const { guard, executor, clock, errors } = await setup([long('XBTUSDTM', 100, 95)], { retryDelayMs: 1000 });
      executor.autoAnswer = false;
      guard.onPrice('XBTUSDTM', 94);
      executor.closes[0]!.answer.reject(Object.assign(new Error('order-executor is gone'), { code: 'PEER_GONE' }));
      await guard.idle();
      expect(errors.at(-1)).to.equal('XBTUSDTM: close (stop) failed: PEER_GONE: order-executor is gone');
      clock.advance(999);
      expect(guard.onPrice('XBTUSDTM', 94).kind).to.equal('closing');
      clock.advance(1);
      expect(guard.onPrice('XBTUSDTM', 94).kind).to.equal('close');
      expect(executor.closes).to.have.length(2);
    });

    /** A long past its take-profit (110) whose close the executor refused: target not on the book. */
    async function missedTakeProfit() {
      const fixture = await setup([long('XBTUSDTM', 100, 95, 110)], { retryDelayMs: 1000 });
      const { guard, executor, clock } = fixture;
      executor.autoAnswer = false;
      expect(guard.onPrice('XBTUSDTM', 110.5)).to.deep.include({ kind: 'close', reason: 'take-profit' });
      executor.closes[0]!.answer.resolve({
        accepted: false,
        reason: 'take-profit target 110 not on the book (nothing filled); the position stays open under its stop',
      });
      await guard.idle();
      clock.advance(10);
      return fixture;
    }

    it('a take-profit the executor could not fill (target gone from the book) does not hold back a stop', async () => {
      const { guard, executor, clock } = await missedTakeProfit();
      // The market fell through the (trailed) stop a moment later: that exit goes at once, not after
      // the retry delay.
      expect(guard.onPrice('XBTUSDTM', 94.9)).to.deep.include({ kind: 'close', reason: 'trailing' });
      // After any other refusal the delay holds as before.
      executor.closes[1]!.answer.resolve({ accepted: false, reason: 'refused' });
      await guard.idle();
      clock.advance(10);
      expect(guard.onPrice('XBTUSDTM', 111).kind).to.equal('closing');
      expect(executor.closes.map((c) => c.reason)).to.deep.equal(['take-profit', 'trailing']);
    });

    it('a take-profit waiting to retry (target not on the book) still trails the exchange stop', async () => {
      const { guard, executor, clock } = await missedTakeProfit();
      // Still past the target, within the retry delay: the stop (trailed to 110.5 x 0.98, down to the tick) goes to the exchange.
      expect(guard.onPrice('XBTUSDTM', 110.5)).to.deep.equal({ kind: 'move-stop', stop: 108.2 });
      expect(executor.moves.map((m) => [m.symbol, m.stop])).to.deep.equal([['XBTUSDTM', 108.2]]);
      expect(executor.closes).to.have.length(1);
      clock.advance(10);
      expect(guard.onPrice('XBTUSDTM', 110.5).kind).to.equal('closing');
    });

    it('treats an RPC refusal ({ accepted: false }) as a failed close', async () => {
      const { guard, executor, clock, errors } = await setup([long('XBTUSDTM', 100, 95)], { retryDelayMs: 500 });
      executor.autoAnswer = false;
      expect(guard.onPrice('XBTUSDTM', 94.5)).to.deep.equal({ kind: 'close', reason: 'stop', price: 94.5 });
      executor.closes[0]!.answer.resolve({ accepted: false, reason: 'kill switch' });
      await guard.idle();
      expect(errors.at(-1)).to.equal('XBTUSDTM: close (stop) refused: kill switch');
      clock.advance(500);
      expect(guard.onPrice('XBTUSDTM', 94)).to.deep.equal({ kind: 'close', reason: 'stop', price: 94 });
      executor.closes[1]!.answer.resolve({ accepted: true });
      await guard.idle();
      expect(guard.onPrice('XBTUSDTM', 93).kind).to.equal('closing');
      expect(executor.closes).to.have.length(2);
    });

    it('closes again when an accepted close has not taken after closeConfirmMs', async () => {
      const { guard, executor, clock } = await setup([long('XBTUSDTM', 100, 95)], { closeConfirmMs: 15_000 });
      guard.onPrice('XBTUSDTM', 94);
      await guard.idle();
      clock.advance(14_999);
      await guard.refresh(); // the executor still lists it
      expect(guard.onPrice('XBTUSDTM', 94).kind).to.equal('closing');
      clock.advance(1);
      expect(guard.onPrice('XBTUSDTM', 94).kind).to.equal('close');
      expect(executor.closes).to.have.length(2);
    });

    it('names the position in its close request; a new position on the symbol is not closed for the old one', async () => {
      const { guard, executor, clock } = await setup([{ ...long('XBTUSDTM', 100, 95), id: 7 }], {
        closeConfirmMs: 15_000,
      });
      guard.onPrice('XBTUSDTM', 94);
      await guard.idle();
      expect(executor.closes.map((c) => c.positionId)).to.deep.equal([7]);
      // #7 closed; before the next refresh an entry opened #8 on the symbol at the same price.
      executor.positions = [{ ...long('XBTUSDTM', 100, 95), id: 8 }];
      clock.advance(15_000);
      await guard.refresh();
      expect(guard.onPrice('XBTUSDTM', 99).kind, '#7 close is not repeated on #8').to.equal('hold');
      expect(executor.closes).to.have.length(1);
      expect(guard.onPrice('XBTUSDTM', 94).kind).to.equal('close'); // #8's own stop
      expect(executor.closes.map((c) => c.positionId)).to.deep.equal([7, 8]);
    });

    it('ignores a non-finite price (counted as an error), never closing on it', async () => {
      const { guard, executor } = await setup([long('XBTUSDTM', 100, 95)]);
      expect(guard.onPrice('XBTUSDTM', Number.NaN).kind).to.equal('ignored');
      expect(guard.onPrice('XBTUSDTM', 0).kind).to.equal('ignored');
      expect(executor.closes).to.deep.equal([]);
      expect(guard.metrics().errors).to.equal(2);
      expect(guard.onPrice('NOPEUSDTM', 1)).to.deep.equal({ kind: 'untracked' });
    });
  });

  describe('refresh', () => {
    it('picks up a position that appeared and drops one that disappeared', async () => {
      const { guard, executor, exchange } = await setup([long('XBTUSDTM', 100, 95)]);
      expect(guard.symbols()).to.deep.equal(['XBTUSDTM']);
      executor.positions = [long('XBTUSDTM', 100, 95), short('ETHUSDTM', 3400, 3468)];
      exchange.positionsView = [exchangePosition('XBTUSDTM', 10, 101, 1.5), exchangePosition('ETHUSDTM', -3, 3390, 3)];
      const r1 = await guard.refresh();
      expect(r1).to.deep.include({
        positions: 2,
        added: ['ETHUSDTM'],
        removed: [],
        exchangeOnly: [],
        flatOnExchange: [],
      });
      expect(guard.onPrice('ETHUSDTM', 3470).kind).to.equal('close'); // guarded at once

      executor.positions = [short('ETHUSDTM', 3400, 3468)];
      const r2 = await guard.refresh();
      expect(r2.removed).to.deep.equal(['XBTUSDTM']);
      expect(guard.symbols()).to.deep.equal(['ETHUSDTM']);
      expect(guard.onPrice('XBTUSDTM', 50)).to.deep.equal({ kind: 'untracked' });
      expect(guard.metrics().positionUpdates).to.equal(1 + 2 + 1);
    });

    it('keeps marks, sizes and PnL from the exchange, and reports both kinds of mismatch', async () => {
      const { guard, executor, exchange } = await setup([]);
      executor.positions = [long('XBTUSDTM', 100, 95), long('ETHUSDTM', 3400, 3300)];
      exchange.positionsView = [exchangePosition('XBTUSDTM', 10, 101.5, 15), exchangePosition('DOGEUSDTM', 5, 0.12)];
      const r = await guard.refresh();
      expect(r.exchangeOnly).to.deep.equal(['DOGEUSDTM']);
      expect(r.flatOnExchange).to.deep.equal(['ETHUSDTM']);
      const xbt = guard.positions().find((p) => p.symbol === 'XBTUSDTM')!;
      expect(xbt).to.deep.include({ mark: 101.5, exchangeQty: 10, unrealisedPnl: 15 });
    });

    it('adopts a stop the executor tightened, and never loosens its own', async () => {
      const { guard, executor } = await setup([long('XBTUSDTM', 100, 95)]);
      executor.positions = [long('XBTUSDTM', 100, 97)];
      await guard.refresh();
      expect(guard.positions()[0]?.stop).to.equal(97);
      executor.positions = [long('XBTUSDTM', 100, 90)];
      await guard.refresh();
      expect(guard.positions()[0]?.stop).to.equal(97);
    });

    it('keeps guarding the known positions when a refresh fails', async () => {
      const { guard, executor, exchange } = await setup([long('XBTUSDTM', 100, 95)]);
      executor.failPositions = new Error('rpc timeout');
      const r = await guard.refresh();
      expect(r.errors).to.deep.equal(['executor positions: rpc timeout']);
      expect(guard.symbols()).to.deep.equal(['XBTUSDTM']);
      executor.failPositions = null;
      exchange.failPositions = Object.assign(new Error('busy'), { code: '500000' });
      const r2 = await guard.refresh();
      expect(r2.errors).to.deep.equal(['exchange positions: 500000: busy']);
      expect(guard.onPrice('XBTUSDTM', 94).kind).to.equal('close');
    });

    it('reads contract tick sizes once, and again only for an unknown symbol or after contractsRefreshMs', async () => {
      const { guard, executor, exchange, clock } = await setup([long('XBTUSDTM', 100, 95)], {
        contractsRefreshMs: 60_000,
      });
      await guard.refresh();
      expect(exchange.contractCalls).to.equal(1);
      executor.positions = [long('XBTUSDTM', 100, 95), long('ETHUSDTM', 3400, 3300)];
      await guard.refresh();
      expect(exchange.contractCalls).to.equal(1); // ETH was in the list already
      clock.advance(60_000);
      await guard.refresh();
      expect(exchange.contractCalls).to.equal(2);
    });

    it('resets its state when the symbol holds a different position (closed and reopened)', async () => {
      const { guard, executor } = await setup([long('XBTUSDTM', 100, 95)]);
      guard.onPrice('XBTUSDTM', 110);
      await guard.idle();
      executor.positions = [short('XBTUSDTM', 108, 110)];
      await guard.refresh();
      expect(guard.positions()[0]).to.deep.include({ side: 'short', stop: 110, highWater: 108, lowWater: 108 });
    });
  });

  describe('options', () => {
    it('fills defaults', () => {
      expect(resolvePositionGuardOptions()).to.deep.equal({
        trailingStopPercentage: 0.02,
        minStopStepFraction: 0.001,
        stopSyncIntervalMs: 5000,
        minStopGapMs: 1000,
        retryDelayMs: 1000,
        closeConfirmMs: 15_000,
        contractsRefreshMs: 600_000,
      });
    });
    for (const [options, message] of [
      [{ trailingStopPercentage: 0 }, /trailingStopPercentage/],
      [{ trailingStopPercentage: 1 }, /trailingStopPercentage/],
      [{ minStopStepFraction: -0.1 }, /minStopStepFraction/],
      [{ retryDelayMs: -1 }, /retryDelayMs/],
      [{ closeConfirmMs: Number.POSITIVE_INFINITY }, /closeConfirmMs/],
    ] as Array<[PositionGuardOptions, RegExp]>) {
      it(`rejects ${JSON.stringify(options)}`, () => {
        expect(() => resolvePositionGuardOptions(options)).to.throw(RangeError, message);
      });
    }
  });
});
