// PriceFeed against the REAL simulator's WebSocket and REST ticker, through the real client.
import { expect } from 'chai';
import { FuturesStream } from '../../src/exchange/futures-stream.js';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import { PositionGuard } from '../../src/position-monitor/position-guard.js';
import { PriceFeed, type PriceFeedClient, type PriceQuote } from '../../src/position-monitor/price-feed.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { FakeExecutor } from './support/guard-fakes.js';
import { instantClock } from '../support/instant-clock.js';
import { HandClock } from '../support/hand-clock.js';
import { waitUntil } from '../support/wait-until.js';
import { simCredentials } from '../support/sim-credentials.js';

describe('PriceFeed against the simulator', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle | undefined;
  let feed: PriceFeed | undefined;

  afterEach(async () => {
    await feed?.close();
    await sim?.close();
    feed = undefined;
    sim = undefined;
  });

  it('streams ticker prices for the wanted symbols and follows changes to the set', async () => {
    sim = await startSimulator({ contracts: 3, tickIntervalMs: 50 });
    const s = sim;
    const [xbt, eth, sol] = s.symbols as [string, string, string];
    const client = new KucoinFuturesClient({ baseUrl: s.url, timeoutMs: 20_000 });
    const streamed: PriceQuote[] = []; // onQuote sees every streamed quote, as the monitor loop does
    feed = new PriceFeed({ client, clock: new HandClock(), onQuote: (q) => streamed.push(q) });
    const f = feed;

    await f.setSymbols([xbt, eth]);
    await waitUntil(
      'streamed tickers',
      () => f.latest(xbt)?.source === 'stream' && f.latest(eth)?.source === 'stream',
      { timeoutMs: 8_000, intervalMs: 20 },
    );
    const q = f.latest(xbt)!;
    expect(q.bid).to.be.greaterThan(0);
    expect(q.ask).to.be.at.least(q.bid);
    expect(q.price).to.equal((q.bid + q.ask) / 2);
    // Within a fraction of a percent of the venue's own book.
    expect(Math.abs(q.price / s.market.top(xbt).bid - 1)).to.be.below(0.005);

    const switched = streamed.length; // setSymbols drops XBT synchronously, before it first awaits
    await f.setSymbols([eth, sol]);
    expect(f.latest(xbt)).to.equal(undefined);
    await waitUntil('ticker for the added symbol', () => f.latest(sol)?.source === 'stream', {
      timeoutMs: 8_000,
      intervalMs: 20,
    });
    const updates = streamed.length;
    await waitUntil('more updates', () => streamed.length > updates + 4, { timeoutMs: 8_000, intervalMs: 20 });
    expect(f.latest(xbt)).to.equal(undefined); // unsubscribed: nothing for XBT arrives any more
    const since = new Set(streamed.slice(switched).map((q) => q.symbol));
    expect(since.has(xbt), 'an XBT quote after the switch').to.equal(false);
    expect(since.has(sol)).to.equal(true);
    expect(await f.pollStale()).to.deep.equal([]); // nothing silent
  });

  it('falls back to REST when the stream is silent, and reconnects a stream whose first connect failed', async () => {
    sim = await startSimulator({ contracts: 2, clock: 'manual' }); // manual: prices only move when advanced
    const s = sim;
    const [xbt] = s.symbols as [string];
    const real = new KucoinFuturesClient({ baseUrl: s.url, timeoutMs: 20_000 });
    let streams = 0;
    let restReads = 0;
    const client: PriceFeedClient = {
      publicStream: () =>
        streams++ === 0
          ? new FuturesStream({ private: false, fetchToken: () => Promise.reject(new Error('bullet down')) })
          : real.publicStream(),
      ticker: (symbol) => {
        restReads += 1;
        return real.ticker(symbol);
      },
    };
    const clock = new HandClock();
    const errors: string[] = [];
    let streamUpdates = 0;
    const onQuote = (): void => {
      streamUpdates += 1;
    };
    feed = new PriceFeed({ client, clock, options: { staleAfterMs: 3000 }, onError: (m) => errors.push(m), onQuote });
    const f = feed;

    await f.setSymbols([xbt]);
    expect(errors.join('\n')).to.match(/stream connect: .*bullet down/);
    expect(f.latest(xbt)).to.equal(undefined);

    // No stream and no price yet: REST at once, and the stream is tried again.
    expect(await f.pollStale()).to.deep.equal([xbt]);
    expect(restReads).to.equal(1);
    const top = s.market.top(xbt);
    // (The reconnected stream may already have pushed the same, unmoved, ticker.)
    expect(f.latest(xbt)).to.deep.include({ bid: top.bid, ask: top.ask, price: (top.bid + top.ask) / 2 });
    expect(streams).to.equal(2);

    const before = streamUpdates;
    s.advance(60_000); // the venue moves: the stream pushes the new ticker
    const moved = s.market.top(xbt);
    await waitUntil('stream ticker after reconnect', () => streamUpdates > before && f.latest(xbt)?.bid === moved.bid, {
      timeoutMs: 8_000,
      intervalMs: 20,
    });
    expect(f.latest(xbt)?.source).to.equal('stream');

    // The venue goes quiet (a manual clock pushes nothing): after staleAfterMs, REST takes over.
    clock.advance(2999);
    expect(await f.pollStale()).to.deep.equal([]);
    clock.advance(1);
    expect(await f.pollStale()).to.deep.equal([xbt]);
    expect(f.latest(xbt)?.source).to.equal('rest');
    expect(await f.pollStale()).to.deep.equal([]); // at most one REST read per symbol per interval
    expect(restReads).to.equal(2);
  });
});

describe('PositionGuard fed by PriceFeed from the simulator', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle | undefined;
  let feed: PriceFeed | undefined;

  afterEach(async () => {
    await feed?.close();
    await sim?.close();
  });

  it('closes once when the venue price gaps through the stop', async () => {
    sim = await startSimulator({ contracts: 2, tickIntervalMs: 50 });
    const s = sim;
    const [xbt] = s.symbols as [string];
    const client = new KucoinFuturesClient({
      baseUrl: s.url,
      timeoutMs: 3_000,
      credentials: simCredentials(s),
    });
    const executor = new FakeExecutor();
    const entry = s.market.markPrice(xbt);
    executor.positions = [
      {
        symbol: xbt,
        side: 'long',
        size: 1,
        entryPrice: entry,
        stopPrice: Math.floor(entry * 0.99),
        takeProfitPrice: null,
      },
    ];
    const clock = instantClock;
    const guard = new PositionGuard({ executor, client, clock });
    feed = new PriceFeed({ client, clock });
    const f = feed;

    const refresh = await guard.refresh();
    expect(refresh.added).to.deep.equal([xbt]);
    expect(refresh.flatOnExchange).to.deep.equal([xbt]); // the fake executor's position is not on the venue
    await f.setSymbols(guard.symbols());
    await waitUntil('first price', () => f.latest(xbt) !== undefined, { timeoutMs: 8_000, intervalMs: 20 });

    const actions: string[] = [];
    let shocked = false;
    // Feed every streamed price to the guard until it has closed and keeps answering 'closing'.
    await waitUntil(
      'a close',
      () => {
        if (executor.closes.length > 0 && actions.filter((a) => a === 'closing').length >= 10) return true;
        const q = f.latest(xbt);
        if (q) actions.push(guard.onPrice(xbt, q.price).kind);
        if (!shocked && actions.length >= 5) {
          s.market.shock(xbt, 0.95);
          shocked = true;
        }
        return undefined;
      },
      { timeoutMs: 8_000, intervalMs: 50, diagnostics: () => `last actions: ${actions.slice(-5).join(',')}` },
    );
    await guard.idle();
    expect(executor.closes.map((c) => [c.symbol, c.reason])).to.deep.equal([[xbt, 'stop']]);
    expect(actions.filter((a) => a === 'close')).to.have.length(1);
    expect(guard.metrics().lastPrices[xbt]).to.be.below(entry * 0.99);
  });
});
