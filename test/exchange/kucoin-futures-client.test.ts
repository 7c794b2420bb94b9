// The client against the REAL simulator over HTTP and WebSocket: nothing mocked in between.
import { expect } from 'chai';
import { ENDPOINTS } from '../../src/exchange/endpoints.js';
import { isExchangeError, type ExchangeError } from '../../src/exchange/exchange-error.js';
import { KucoinFuturesClient, type KucoinFuturesClientOptions } from '../../src/exchange/kucoin-futures-client.js';
import type { ApiCredentials } from '../../src/exchange/credentials.js';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator/simulator.js';
import { recordingGate, type RecordingGate } from './support/recording-gate.js';
import { waitUntil } from '../support/wait-until.js';
import { clockReading } from '../support/instant-clock.js';
import { type Clock, systemClock } from '../../src/resilience/clock.js';
import { simCredentials } from '../support/sim-credentials.js';

async function failure(p: Promise<unknown>): Promise<ExchangeError> {
  try {
    await p;
  } catch (e) {
    if (isExchangeError(e)) return e;
    throw new Error(`expected an ExchangeError, got ${String(e)}`);
  }
  throw new Error('expected the call to fail');
}

let oidCounter = 0;
const oid = (tag: string) => `t${process.pid}-${tag}-${++oidCounter}`;

describe('KucoinFuturesClient against the simulator', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle;
  let gate: RecordingGate;
  let client: KucoinFuturesClient;
  let symbol: string;

  async function start(
    options: SimulatorOptions = {},
    clientOptions: Partial<KucoinFuturesClientOptions> = {},
  ): Promise<void> {
    sim = await startSimulator({ contracts: 3, ...options });
    gate = recordingGate();
    client = new KucoinFuturesClient({
      baseUrl: sim.url,
      credentials: simCredentials(sim),
      gate,
      observer: gate.observer,
      timeoutMs: 20_000,
      ...clientOptions,
    });
    symbol = sim.symbols[0] ?? 'XBTUSDTM';
  }

  afterEach(async () => {
    await sim?.close();
  });

  describe('authentication', () => {
    beforeEach(() => start());

    it('reads public and private data with good credentials (key version 3 and 2)', async () => {
      const overview = await client.accountOverview();
      expect(overview.data.currency).to.equal('USDT');
      expect(overview.data.availableBalance).to.be.greaterThan(0);
      const v2 = new KucoinFuturesClient({
        baseUrl: sim.url,
        credentials: simCredentials(sim, { keyVersion: 2 }),
        timeoutMs: 20_000,
      });
      expect((await v2.position(symbol)).data.symbol).to.equal(symbol);
    });

    const badCases: Array<[string, Partial<ApiCredentials>, string]> = [
      ['an unknown key', { key: 'nope' }, '400003'],
      ['a wrong passphrase', { passphrase: 'nope' }, '400004'],
    ];
    for (const [name, override, code] of badCases) {
      it(`rejects ${name} with a non-retryable ${code} / HTTP 401`, async () => {
        const bad = new KucoinFuturesClient({
          baseUrl: sim.url,
          credentials: simCredentials(sim, override),
          timeoutMs: 20_000,
          gate,
          observer: gate.observer,
        });
        const err = await failure(bad.accountOverview());
        expect(err).to.include({
          code,
          httpStatus: 401,
          retryable: false,
          action: 'fail',
          endpoint: 'accountOverview',
        });
        expect(gate.records.at(-1)).to.include({
          endpoint: 'accountOverview',
          ok: false,
          code,
          httpStatus: 401,
          rateLimited: false,
        });
      });
    }

    it('rejects a request without credentials on a private endpoint (400001)', async () => {
      const anon = new KucoinFuturesClient({ baseUrl: sim.url, timeoutMs: 20_000 });
      const err = await failure(anon.positions());
      expect(err).to.include({ code: '400001', httpStatus: 401, retryable: false });
      expect((await anon.ticker(symbol)).data.symbol).to.equal(symbol); // public still works
    });

    it('rejects a stale timestamp (injected clock skew) with 400002', async () => {
      const skewed = new KucoinFuturesClient({
        baseUrl: sim.url,
        credentials: simCredentials(sim),
        timeoutMs: 20_000,
        clock: clockReading(() => Date.now() - 60_000),
      });
      const err = await failure(skewed.accountOverview());
      expect(err).to.include({ code: '400002', httpStatus: 401, retryable: false });
    });
  });

  describe('rate limits', () => {
    it('acquires pool and weight from the endpoint table and feeds every response header to the gate', async () => {
      await start();
      const r = await client.ticker(symbol);
      await client.accountOverview();
      await client.placeOrder({
        clientOid: oid('w'),
        symbol,
        side: 'buy',
        type: 'limit',
        price: 1,
        size: 1,
        leverage: 2,
      });
      expect(gate.acquired).to.deep.equal([
        { pool: ENDPOINTS.ticker.pool, weight: ENDPOINTS.ticker.weight, priority: 'normal' },
        { pool: ENDPOINTS.accountOverview.pool, weight: ENDPOINTS.accountOverview.weight, priority: 'normal' },
        { pool: 'futures', weight: ENDPOINTS.placeOrder.weight, priority: 'normal' },
      ]);
      expect(r.rateLimit).to.not.equal(null);
      expect(r.rateLimit?.limit).to.equal(2000);
      expect(r.rateLimit?.remaining).to.equal(2000 - ENDPOINTS.ticker.weight);
      expect(gate.observed.map((o) => o.pool)).to.deep.equal(['public', 'futures', 'futures']);
      expect(gate.observed[2]?.snapshot.remaining).to.equal(
        2000 - ENDPOINTS.accountOverview.weight - ENDPOINTS.placeOrder.weight,
      );
      expect(gate.records.map((x) => [x.endpoint, x.ok])).to.deep.equal([
        ['ticker', true],
        ['accountOverview', true],
        ['placeOrder', true],
      ]);
    });

    it('turns quota exhaustion into a 429000 wait-reset error and calls gate.rateLimited', async () => {
      await start({ quota: { public: 10, futures: 2000 } });
      for (let i = 0; i < 5; i += 1) await client.ticker(symbol); // 5 x weight 2 = the whole pool
      const err = await failure(client.ticker(symbol));
      expect(err).to.include({
        code: '429000',
        httpStatus: 429,
        retryable: true,
        action: 'wait-reset',
        endpoint: 'ticker',
      });
      expect(err.resetMs).to.be.a('number').and.greaterThan(0);
      expect(gate.limited).to.have.length(1);
      expect(gate.limited[0]?.pool).to.equal('public');
      expect(gate.limited[0]?.resetMs).to.equal(err.resetMs);
      expect(gate.records.at(-1)).to.include({ ok: false, rateLimited: true, code: '429000' });
      // The futures pool is separate and unaffected.
      expect((await client.accountOverview()).data.currency).to.equal('USDT');
    });
  });

  describe('orders', () => {
    beforeEach(() => start());

    it('opens, fills, reads back by id and clientOid, and closes reduce-only at critical priority', async () => {
      const open = oid('open');
      const placed = await client.placeOrder({
        clientOid: open,
        symbol,
        side: 'buy',
        type: 'market',
        size: 2,
        leverage: 5,
      });
      expect(placed.data.clientOid).to.equal(open);
      const byId = await client.orderById(placed.data.orderId);
      expect(byId.data).to.include({
        id: placed.data.orderId,
        clientOid: open,
        side: 'buy',
        isActive: false,
        status: 'done',
      });
      expect(byId.data.filledSize).to.equal(2);
      const byOid = await client.orderByClientOid(open);
      expect(byOid.data.id).to.equal(placed.data.orderId);
      const pos = await client.position(symbol);
      expect(pos.data).to.include({ isOpen: true, currentQty: 2 });
      expect(pos.data.avgEntryPrice).to.be.greaterThan(0);
      const fills = await client.fills({ orderId: placed.data.orderId });
      expect(fills.data.items).to.have.length.greaterThan(0);
      expect(fills.data.items[0]?.orderId).to.equal(placed.data.orderId);

      await client.placeOrder({
        clientOid: oid('close'),
        symbol,
        side: 'sell',
        type: 'market',
        size: 2,
        leverage: 5,
        reduceOnly: true,
      });
      expect(gate.acquired.at(-1)).to.deep.include({ pool: 'futures', priority: 'critical' });
      expect((await client.position(symbol)).data).to.include({ isOpen: false, currentQty: 0 });
      expect((await client.positions()).data).to.have.length(0);
    });

    it('rests a limit order, lists it as active, and cancels by id and by clientOid (critical)', async () => {
      const a = await client.placeOrder({
        clientOid: oid('la'),
        symbol,
        side: 'buy',
        type: 'limit',
        price: 1,
        size: 1,
        leverage: 2,
      });
      const bOid = oid('lb');
      await client.placeOrder({ clientOid: bOid, symbol, side: 'buy', type: 'limit', price: 1, size: 1, leverage: 2 });
      const active = await client.orders({ status: 'active', symbol });
      expect(active.data.items.map((o) => o.clientOid)).to.include(bOid);
      expect(active.data.items.every((o) => o.isActive)).to.equal(true);

      const c1 = await client.cancelOrderById(a.data.orderId);
      expect(c1.data.cancelledOrderIds).to.deep.equal([a.data.orderId]);
      expect(gate.acquired.at(-1)).to.deep.equal({
        pool: 'futures',
        weight: ENDPOINTS.cancelOrderById.weight,
        priority: 'critical',
      });
      const c2 = await client.cancelOrderByClientOid(symbol, bOid);
      expect(c2.data.clientOid).to.equal(bOid);
      expect(gate.acquired.at(-1)?.priority).to.equal('critical');
      expect((await client.orders({ status: 'active', symbol })).data.items).to.have.length(0);
      expect((await client.orderByClientOid(bOid)).data.isActive).to.equal(false);
    });

    it('places exchange-side stop orders (st-orders and stop fields) that list as untriggered', async () => {
      await client.placeOrder({ clientOid: oid('p'), symbol, side: 'buy', type: 'market', size: 1, leverage: 5 });
      const mark = sim.market.markPrice(symbol);
      const st = await client.placeStopOrder({
        clientOid: oid('st'),
        symbol,
        side: 'sell',
        type: 'market',
        size: 1,
        leverage: 5,
        reduceOnly: true,
        triggerStopDownPrice: Math.floor(mark * 0.5),
        stopPriceType: 'MP',
      });
      expect(gate.acquired.at(-1)?.priority).to.equal('critical');
      const sf = await client.placeOrder({
        clientOid: oid('sf'),
        symbol,
        side: 'sell',
        type: 'market',
        size: 1,
        leverage: 5,
        reduceOnly: true,
        stop: 'down',
        stopPrice: Math.floor(mark * 0.4),
        stopPriceType: 'TP',
      });
      expect(gate.acquired.at(-1)?.priority).to.equal('critical');
      const stops = await client.untriggeredStopOrders({ symbol });
      const ids = stops.data.items.map((o) => o.id);
      expect(ids).to.include(sf.data.orderId);
      expect(stops.data.items.length).to.be.greaterThan(0);
      expect(st.data.orderId).to.be.a('string').and.not.equal('');
    });

    it('is idempotent on clientOid: the same clientOid twice is one order and one position', async () => {
      const same = oid('idem');
      const req = { clientOid: same, symbol, side: 'buy', type: 'market', size: 1, leverage: 3 } as const;
      const first = await client.placeOrder(req);
      const second = await client.placeOrder(req);
      expect(second.data.orderId).to.equal(first.data.orderId);
      expect((await client.position(symbol)).data.currentQty).to.equal(1);
    });

    it('refuses orders without a usable clientOid or price before sending anything', async () => {
      const before = gate.acquired.length;
      const noOid = await failure(client.placeOrder({ clientOid: '', symbol, side: 'buy', type: 'market', size: 1 }));
      expect(noOid).to.include({ code: 'INVALID_REQUEST', retryable: false });
      const noPrice = await failure(
        client.placeOrder({ clientOid: oid('np'), symbol, side: 'buy', type: 'limit', size: 1 }),
      );
      expect(noPrice.code).to.equal('INVALID_REQUEST');
      const nan = await failure(
        client.placeOrder({ clientOid: oid('nan'), symbol, side: 'buy', type: 'market', size: Number.NaN }),
      );
      expect(nan.code).to.equal('INVALID_REQUEST');
      expect(gate.acquired.length).to.equal(before);
    });

    it('maps an exchange business error (balance not enough) to a non-retryable error with HTTP status', async () => {
      const err = await failure(
        client.placeOrder({
          clientOid: oid('big'),
          symbol,
          side: 'buy',
          type: 'market',
          size: 10_000_000,
          leverage: 1,
        }),
      );
      expect(err.retryable).to.equal(false);
      expect(['300003', '400100', '300000']).to.include(err.code);
    });
  });

  describe('injected faults', () => {
    beforeEach(() => start({}, { timeoutMs: 400 }));

    it('5xx becomes a retryable ExchangeError', async () => {
      sim.faults.set('5xx=1:503');
      const err = await failure(client.ticker(symbol));
      expect(err).to.include({ code: '500000', httpStatus: 503, retryable: true, action: 'retry' });
    });

    it('an injected 429 becomes wait-reset and reaches the gate', async () => {
      sim.faults.set('429=1');
      const err = await failure(client.accountOverview());
      expect(err).to.include({ code: '429000', httpStatus: 429, action: 'wait-reset', retryable: true });
      expect(gate.limited.map((l) => l.pool)).to.deep.equal(['futures']);
    });

    it('a hung request becomes a retryable TIMEOUT', async () => {
      sim.faults.set('hang=1');
      // The venue never answers: only the client's own timeout can settle this call.
      const err = await failure(client.ticker(symbol));
      expect(err).to.include({ code: 'TIMEOUT', httpStatus: null, retryable: true, action: 'retry' });
    });

    it('every malformed body becomes a non-retryable INVALID_RESPONSE, never a NaN', async () => {
      sim.faults.set('malformed=1');
      // Endpoints whose every body the simulator's three malformed variants (truncated JSON, "NaN"
      // numbers, dropped price/size/balance fields) corrupt; several rounds hit every variant.
      const once = [
        () => client.ticker(symbol),
        () => client.accountOverview(),
        () => client.position(symbol),
        () => client.activeContracts(),
      ];
      const calls = [...once, ...once, ...once, ...once];
      for (const call of calls) {
        const err = await failure(call());
        expect(err, err.message).to.include({ code: 'INVALID_RESPONSE', retryable: false, action: 'fail' });
      }
    });

    it('a refused connection becomes a retryable NETWORK error', async () => {
      const url = sim.url;
      await sim.close();
      const dead = new KucoinFuturesClient({ baseUrl: url, timeoutMs: 1_000 });
      const err = await failure(dead.ticker('XBTUSDTM'));
      expect(err).to.include({ code: 'NETWORK', retryable: true, action: 'retry', httpStatus: null });
    });
  });

  describe('WebSocket', () => {
    beforeEach(() =>
      start({}, { stream: { reconnectDelayMs: 50, maxReconnectDelayMs: 200, handshakeTimeoutMs: 3_000 } }),
    );

    it('delivers validated tickers and resubscribes after a drop', async () => {
      const stream = client.publicStream();
      try {
        await stream.connect();
        expect(gate.acquired[0]).to.deep.equal({
          pool: 'public',
          weight: ENDPOINTS.bulletPublic.weight,
          priority: 'normal',
        });
        const tickers: number[] = [];
        let resubscribed: readonly string[] = [];
        stream.onResubscribed((topics) => (resubscribed = topics));
        await stream.subscribeTicker(symbol, (t) => {
          expect(Number.isFinite(t.bestBidPrice) && Number.isFinite(t.bestAskPrice)).to.equal(true);
          tickers.push(t.bestBidPrice);
        });
        await waitUntil('first ticker', () => tickers.length > 0, { timeoutMs: 8_000, intervalMs: 20 });

        sim.faults.set('wsdrop=1');
        await waitUntil('drop', () => stream.state === 'reconnecting', { timeoutMs: 8_000, intervalMs: 20 });
        sim.faults.clear();
        await waitUntil('resubscribe', () => resubscribed.length > 0, { timeoutMs: 8_000, intervalMs: 20 });
        expect(resubscribed).to.deep.equal([`/contractMarket/tickerV2:${symbol}`]);
        const seen = tickers.length;
        await waitUntil('ticker after reconnect', () => tickers.length > seen, { timeoutMs: 8_000, intervalMs: 20 });
        expect(stream.state).to.equal('open');
      } finally {
        await stream.close();
      }
    });

    it('reconnects on the toolkit backoff, jittered (random 1 = +10 %: 110 ms, not the bare 100 ms)', async () => {
      const waits: number[] = [];
      const recording: Clock = {
        ...systemClock,
        setTimeout: (callback, ms) => {
          waits.push(ms);
          return systemClock.setTimeout(callback, ms);
        },
      };
      const jittered = new KucoinFuturesClient({
        baseUrl: sim.url,
        credentials: simCredentials(sim),
        timeoutMs: 20_000,
        stream: {
          reconnectDelayMs: 100,
          maxReconnectDelayMs: 1_000,
          handshakeTimeoutMs: 3_000,
          clock: recording,
          random: () => 1,
        },
      });
      const stream = jittered.publicStream();
      try {
        await stream.connect();
        let resubscribed = false;
        stream.onResubscribed(() => (resubscribed = true));
        await stream.subscribeTicker(symbol, () => undefined);
        sim.faults.set('wsdrop=1');
        await waitUntil('drop', () => stream.state === 'reconnecting', { timeoutMs: 8_000, intervalMs: 20 });
        sim.faults.clear();
        await waitUntil('resubscribe', () => resubscribed, { timeoutMs: 8_000, intervalMs: 20 });
        expect(waits).to.include(110);
        expect(waits).to.not.include(100);
      } finally {
        await stream.close();
      }
    });

    it('delivers validated order changes on the private stream', async () => {
      const stream = client.privateStream();
      try {
        await stream.connect();
        const changes: Array<{ clientOid: string | null; status: string }> = [];
        await stream.subscribeOrders((c) => changes.push({ clientOid: c.clientOid, status: c.status }), symbol);
        const positions: number[] = [];
        await stream.subscribePositions(symbol, (p) => positions.push(p.currentQty));
        const mine = oid('ws');
        await client.placeOrder({ clientOid: mine, symbol, side: 'buy', type: 'market', size: 1, leverage: 3 });
        await waitUntil('order done', () => changes.some((c) => c.clientOid === mine && c.status === 'done'), {
          timeoutMs: 8_000,
          intervalMs: 20,
        });
        await waitUntil('position change', () => positions.includes(1), { timeoutMs: 8_000, intervalMs: 20 });
      } finally {
        await stream.close();
      }
    });

    it('refuses private topics on a public stream', async () => {
      const stream = client.publicStream();
      try {
        const err = await failure(stream.subscribeOrders(() => undefined));
        expect(err.code).to.equal('INVALID_REQUEST');
      } finally {
        await stream.close();
      }
    });
  });
});
