// A position is never left unprotected: if its exchange stop cannot be placed, it is closed at once.
import { expect } from 'chai';
import { ExchangeError } from '../../src/exchange/exchange-error.js';
import { Harness } from './support/executor-harness.js';

describe('OrderExecutor: the stop cannot be placed', function () {
  this.timeout(30_000);
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.start();
  });

  afterEach(async () => {
    await h.close();
  });

  for (const [name, error] of [
    [
      'refused (300000)',
      new ExchangeError({
        code: '300000',
        httpStatus: 200,
        retryable: false,
        action: 'fail',
        message: 'order parameter error',
        endpoint: 'placeOrder',
        resetMs: null,
      }),
    ],
    [
      'failing with 503 on every retry',
      new ExchangeError({
        code: 'HTTP_ERROR',
        httpStatus: 503,
        retryable: true,
        action: 'retry',
        message: 'HTTP 503',
        endpoint: 'placeOrder',
        resetMs: null,
      }),
    ],
  ] as const) {
    it(`stop ${name}: the position is closed, an alert is raised, the trade recorded`, async () => {
      const a = h.symbol(0);
      const port = h.port();
      const store = h.store();
      port.interceptPlace = (req, forward) => (req.stop !== undefined ? Promise.reject(error) : forward());
      const ex = h.executor(port, store, { maxSendAttempts: 2 });
      const result = await ex.openPosition(h.signal(a));
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.reason).to.match(/stop failed and it was closed/);
      expect(h.sim.engine.ledger.find(a)!.qty).to.equal(0);
      expect(port.exitPlaces).to.have.length(1);
      expect(store.positions.activeForSymbol(a)).to.equal(undefined);
      expect(store.trades.stats().trades).to.equal(1);
      expect(h.eventsOf('alert').some((e) => /could not place the exchange stop/.test(e.reason))).to.equal(true);
      expect(h.eventsOf('closed')).to.have.length(1);
      expect(h.venueStops(a)).to.have.length(0);
    });
  }
});
