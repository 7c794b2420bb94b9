import { expect } from 'chai';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { SimClient } from './signed-client.js';

const START = Date.UTC(2025, 2, 3, 12, 0, 0);
type Json = Record<string, unknown>;

interface Ctx {
  sim: SimulatorHandle;
  c: SimClient;
}

async function open(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Ctx> {
  const sim = await startSimulator({ clock: 'manual', startTime: START, contracts: 10, ...opts });
  return { sim, c: new SimClient(sim.url, sim.credentials) };
}

async function shut(ctx: Ctx): Promise<void> {
  ctx.c.close();
  await ctx.sim.close();
}

let oid = 0;
function order(extra: Json): Json {
  return { clientOid: `t-${++oid}`, symbol: 'XBTUSDTM', leverage: 10, ...extra };
}

describe('simulator trading: worked PnL and fee example', () => {
  let ctx: Ctx;
  before(async () => (ctx = await open()));
  after(() => shut(ctx));

  it('buys 10 lots at the ask, sells at the bid, and books PnL minus taker fees to the cent', async () => {
    const { sim, c } = ctx;
    // Fair price pinned at 50 000: the book is 49 998.7 / 50 001.2 (half a basis point levels).
    sim.market.pin('XBTUSDTM', 50_000);
    expect(sim.market.top('XBTUSDTM')).to.include({ bid: 49_998.7, ask: 50_001.2 });
    const buy = await c.data<Json>('POST', '/api/v1/orders', order({ side: 'buy', type: 'market', size: 10 }));
    const o = await c.data<Json>('GET', `/api/v1/orders/${String(buy['orderId'])}`);
    expect(o).to.include({ status: 'done', filledSize: 10, dealSize: 10, isActive: false });
    expect(Number(o['avgDealPrice'])).to.equal(50_001.2);
    // Entry: value = 10 lots × 0.001 XBT × 50 001.2 = 500.012 USDT; taker fee 0.06 % = 0.3000072.
    // Margin at 10× = 50.0012.
    let pos = await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM');
    expect(pos).to.include({
      currentQty: 10,
      isOpen: true,
      avgEntryPrice: 50_001.2,
      posMargin: 50.0012,
      posCost: 500.012,
      markPrice: 50_000,
    });
    expect(pos['unrealisedPnl']).to.be.closeTo(-0.012, 1e-9); // 0.01 × (50 000 − 50 001.2)
    expect(pos['realisedPnl']).to.be.closeTo(-0.3000072, 1e-9);
    let acct = await c.data<Json>('GET', '/api/v1/account-overview?currency=USDT');
    expect(acct['positionMargin']).to.be.closeTo(50.0012, 1e-9);
    expect(acct['availableBalance']).to.be.closeTo(10_000 - 0.3000072 - 50.0012, 1e-7);
    expect(acct['accountEquity']).to.be.closeTo(10_000 - 0.3000072 - 0.012, 1e-7);
    // Exit after a move to 51 000: bid 50 998.7.
    sim.market.pin('XBTUSDTM', 51_000);
    sim.advance(1000);
    pos = await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM');
    expect(pos['unrealisedPnl']).to.be.closeTo(9.988, 1e-9); // 0.01 × (51 000 − 50 001.2)
    await c.data('POST', '/api/v1/orders', order({ side: 'sell', type: 'market', size: 10, reduceOnly: true }));
    // Gross PnL 0.01 × (50 998.7 − 50 001.2) = 9.975; exit fee 509.987 × 0.0006 = 0.3059922.
    // Net 9.975 − 0.3000072 − 0.3059922 = 9.3690006.
    pos = await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM');
    expect(pos).to.include({ currentQty: 0, isOpen: false });
    expect(pos['realisedGrossPnl']).to.be.closeTo(9.975, 1e-9);
    expect(pos['realisedPnl']).to.be.closeTo(9.3690006, 1e-9);
    acct = await c.data<Json>('GET', '/api/v1/account-overview');
    expect(acct['accountEquity']).to.be.closeTo(10_009.3690006, 1e-7);
    expect(acct['availableBalance']).to.be.closeTo(10_009.3690006, 1e-7);
    const fills = await c.data<{ items: Json[]; totalNum: number }>('GET', '/api/v1/fills?symbol=XBTUSDTM');
    expect(fills.totalNum).to.equal(2);
    expect(fills.items.map((f) => [f['side'], f['price'], f['liquidity'], f['fee']])).to.deep.equal([
      ['sell', '50998.7', 'taker', '0.3059922'],
      ['buy', '50001.2', 'taker', '0.3000072'],
    ]);
    expect((await c.data<Json[]>('GET', '/api/v1/positions')).length).to.equal(0);
  });
});

describe('simulator trading: orders', () => {
  let ctx: Ctx;
  beforeEach(async () => (ctx = await open({ balance: 1_000_000 })));
  afterEach(() => shut(ctx));

  it('walks the book for a large market order (slippage)', async () => {
    const { c } = ctx;
    const book = await c.data<{ asks: [number, number][] }>(
      'GET',
      '/api/v1/level2/snapshot?symbol=XBTUSDTM',
      undefined,
      false,
    );
    const size = book.asks[0]![1] + book.asks[1]![1] + 5;
    const r = await c.data<Json>('POST', '/api/v1/orders', order({ side: 'buy', type: 'market', size, leverage: 100 }));
    const fills = await c.data<{ items: Json[] }>('GET', `/api/v1/fills?orderId=${String(r['orderId'])}`);
    expect(fills.items.map((f) => Number(f['price'])).sort((a, b) => a - b)).to.deep.equal([
      book.asks[0]![0],
      book.asks[1]![0],
      book.asks[2]![0],
    ]);
    const o = await c.data<Json>('GET', `/api/v1/orders/${String(r['orderId'])}`);
    expect(Number(o['avgDealPrice'])).to.be.above(book.asks[0]![0]);
  });

  it('rests a limit order, then fills it as maker when the price crosses', async () => {
    const { sim, c } = ctx;
    sim.market.pin('XBTUSDTM', 50_000);
    const r = await c.data<Json>(
      'POST',
      '/api/v1/orders',
      order({ side: 'buy', type: 'limit', price: '49900', size: 5, leverage: 5 }),
    );
    let o = await c.data<Json>('GET', `/api/v1/orders/${String(r['orderId'])}`);
    expect(o).to.include({ status: 'open', isActive: true, filledSize: 0, price: '49900.0' });
    const active = await c.data<{ items: Json[] }>('GET', '/api/v1/orders?status=active');
    expect(active.items.map((x) => x['id'])).to.deep.equal([r['orderId']]);
    // 5 × 0.001 × 49 900 / 5 = 49.9 held as order margin.
    expect((await c.data<Json>('GET', '/api/v1/account-overview'))['orderMargin']).to.be.closeTo(49.9, 1e-9);
    sim.market.pin('XBTUSDTM', 49_850);
    sim.advance(2000);
    o = await c.data<Json>('GET', `/api/v1/orders/${String(r['orderId'])}`);
    expect(o).to.include({ status: 'done', filledSize: 5 });
    const fills = await c.data<{ items: Json[] }>('GET', `/api/v1/fills?orderId=${String(r['orderId'])}`);
    // Maker fee 0.02 % of 249.5 = 0.0499.
    expect(fills.items.map((f) => [f['price'], f['liquidity'], f['fee']])).to.deep.equal([
      ['49900.0', 'maker', '0.0499'],
    ]);
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(5);
  });

  it('partially fills a marketable limit order and rests the rest', async () => {
    const { c } = ctx;
    const book = await c.data<{ asks: [number, number][] }>(
      'GET',
      '/api/v1/level2/snapshot?symbol=ETHUSDTM',
      undefined,
      false,
    );
    const limit = book.asks[1]![0];
    const avail = book.asks[0]![1] + book.asks[1]![1];
    const r = await c.data<Json>(
      'POST',
      '/api/v1/orders',
      order({ symbol: 'ETHUSDTM', side: 'buy', type: 'limit', price: String(limit), size: avail + 7, leverage: 50 }),
    );
    const o = await c.data<Json>('GET', `/api/v1/orders/${String(r['orderId'])}`);
    expect(o).to.include({ status: 'open', filledSize: avail, isActive: true });
    // IOC cancels the remainder instead.
    const ioc = await c.data<Json>(
      'POST',
      '/api/v1/orders',
      order({
        symbol: 'ETHUSDTM',
        side: 'buy',
        type: 'limit',
        price: String(limit),
        size: avail + 7,
        leverage: 50,
        timeInForce: 'IOC',
      }),
    );
    const io = await c.data<Json>('GET', `/api/v1/orders/${String(ioc['orderId'])}`);
    expect(io).to.include({ status: 'done', filledSize: avail, cancelExist: true });
  });

  it('cancels by id and by clientOid; a second cancel answers 100004', async () => {
    const { c } = ctx;
    const a = await c.data<Json>(
      'POST',
      '/api/v1/orders',
      order({ clientOid: 'cx-a', side: 'buy', type: 'limit', price: '1000', size: 1 }),
    );
    await c.data(
      'POST',
      '/api/v1/orders',
      order({ clientOid: 'cx-b', side: 'sell', type: 'limit', price: '900000', size: 1 }),
    );
    expect(await c.data('DELETE', `/api/v1/orders/${String(a['orderId'])}`)).to.deep.equal({
      cancelledOrderIds: [a['orderId']],
    });
    expect(await c.data('DELETE', '/api/v1/orders/client-order/cx-b?symbol=XBTUSDTM')).to.deep.equal({
      clientOid: 'cx-b',
    });
    const again = await c.del(`/api/v1/orders/${String(a['orderId'])}`);
    expect(again.json?.code).to.equal('100004');
    expect((await c.del('/api/v1/orders/client-order/cx-b?symbol=XBTUSDTM')).json?.code).to.equal('100004');
    const byOid = await c.data<Json>('GET', '/api/v1/orders/byClientOid?clientOid=cx-b');
    expect(byOid).to.include({ status: 'done', cancelExist: true, clientOid: 'cx-b' });
    const done = await c.data<{
      items: Json[];
      totalNum: number;
      totalPage: number;
      pageSize: number;
      currentPage: number;
    }>('GET', '/api/v1/orders?status=done&pageSize=1&currentPage=2');
    expect(done).to.include({ totalNum: 2, totalPage: 2, pageSize: 1, currentPage: 2 });
    expect(done.items.map((x) => x['clientOid'])).to.deep.equal(['cx-a']);
    expect((await c.get('/api/v1/orders/999', true)).json?.code).to.equal('404000');
  });

  it('never creates a second order for a repeated clientOid', async () => {
    const { c } = ctx;
    const body = order({ clientOid: 'same-oid', side: 'buy', type: 'market', size: 3 });
    const first = await c.data<Json>('POST', '/api/v1/orders', body);
    const second = await c.data<Json>('POST', '/api/v1/orders', body);
    expect(second).to.deep.equal(first);
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(3);
    expect((await c.data<{ totalNum: number }>('GET', '/api/v1/fills')).totalNum).to.equal(1);
  });

  it('rejects bad orders with KuCoin codes and leaves the clientOid usable', async () => {
    const { c } = ctx;
    const offTick = await c.post(
      '/api/v1/orders',
      order({ clientOid: 'bad-1', side: 'buy', type: 'limit', price: '50000.05', size: 1 }),
    );
    expect(offTick.json?.code).to.equal('300000');
    expect((await c.post('/api/v1/orders', order({ side: 'buy', type: 'limit', size: 1 }))).json?.code).to.equal(
      '400100',
    );
    expect((await c.post('/api/v1/orders', order({ side: 'buy', type: 'market', size: 1.5 }))).json?.code).to.equal(
      '300000',
    );
    expect(
      (await c.post('/api/v1/orders', order({ side: 'buy', type: 'market', size: 1, leverage: 500 }))).json?.code,
    ).to.equal('300000');
    expect(
      (await c.post('/api/v1/orders', { symbol: 'XBTUSDTM', side: 'buy', type: 'market', size: 1, leverage: 1 })).json
        ?.code,
    ).to.equal('400100');
    const tooBig = await c.post('/api/v1/orders', order({ side: 'buy', type: 'market', size: 900_000, leverage: 1 }));
    expect(tooBig.json?.code).to.equal('300003');
    const retry = await c.post(
      '/api/v1/orders',
      order({ clientOid: 'bad-1', side: 'buy', type: 'limit', price: '50000', size: 1 }),
    );
    expect(retry.json?.code).to.equal('200000');
  });

  it('reduce-only: rejected without a position or in the position direction, trimmed so it never flips', async () => {
    const { c } = ctx;
    const none = await c.post('/api/v1/orders', order({ side: 'sell', type: 'market', size: 1, reduceOnly: true }));
    expect(none.json?.code).to.equal('300009');
    await c.data('POST', '/api/v1/orders', order({ side: 'buy', type: 'market', size: 4 }));
    const sameWay = await c.post('/api/v1/orders', order({ side: 'buy', type: 'market', size: 1, reduceOnly: true }));
    expect(sameWay.json?.code).to.equal('300000');
    const trim = await c.data<Json>(
      'POST',
      '/api/v1/orders',
      order({ side: 'sell', type: 'market', size: 10, reduceOnly: true }),
    );
    const o = await c.data<Json>('GET', `/api/v1/orders/${String(trim['orderId'])}`);
    expect(o).to.include({ filledSize: 4, status: 'done', cancelExist: true });
    const pos = await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM');
    expect(pos['currentQty']).to.equal(0);
  });

  it('closeOrder closes the whole position whatever its side; 300009 with nothing to close', async () => {
    const { c } = ctx;
    expect(
      (await c.post('/api/v1/orders', { clientOid: 'close-0', symbol: 'XBTUSDTM', type: 'market', closeOrder: true }))
        .json?.code,
    ).to.equal('300009');
    await c.data('POST', '/api/v1/orders', order({ side: 'sell', type: 'market', size: 6 }));
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(-6);
    const r = await c.data<Json>('POST', '/api/v1/orders', {
      clientOid: 'close-1',
      symbol: 'XBTUSDTM',
      type: 'market',
      closeOrder: true,
    });
    const o = await c.data<Json>('GET', `/api/v1/orders/${String(r['orderId'])}`);
    expect(o).to.include({ side: 'buy', size: 6, filledSize: 6, closeOrder: true });
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(0);
  });

  it('a stop order waits in the untriggered list and fires on the mark price', async () => {
    const { sim, c } = ctx;
    sim.market.pin('XBTUSDTM', 50_000);
    await c.data('POST', '/api/v1/orders', order({ side: 'buy', type: 'market', size: 10 }));
    const stop = await c.data<Json>(
      'POST',
      '/api/v1/orders',
      order({
        side: 'sell',
        type: 'market',
        size: 10,
        reduceOnly: true,
        stop: 'down',
        stopPriceType: 'MP',
        stopPrice: '49000',
      }),
    );
    let stops = await c.data<{ items: Json[] }>('GET', '/api/v1/stopOrders?symbol=XBTUSDTM');
    expect(
      stops.items.map((s) => [s['id'], s['stop'], s['stopPriceType'], s['stopPrice'], s['stopTriggered']]),
    ).to.deep.equal([[stop['orderId'], 'down', 'MP', '49000.0', false]]);
    expect((await c.data<{ items: Json[] }>('GET', '/api/v1/orders?status=active')).items).to.have.length(0);
    sim.market.pin('XBTUSDTM', 49_500);
    sim.advance(5000);
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(10);
    sim.market.pin('XBTUSDTM', 48_900);
    sim.advance(5000);
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(0);
    const o = await c.data<Json>('GET', `/api/v1/orders/${String(stop['orderId'])}`);
    expect(o).to.include({ stopTriggered: true, status: 'done', filledSize: 10 });
    stops = await c.data<{ items: Json[] }>('GET', '/api/v1/stopOrders');
    expect(stops.items).to.have.length(0);
  });

  it('st-orders: take-profit and stop-loss triggers close the position and cancel each other', async () => {
    const { sim, c } = ctx;
    sim.market.pin('XBTUSDTM', 50_000);
    const r = await c.data<Json>(
      'POST',
      '/api/v1/st-orders',
      order({
        clientOid: 'tpsl',
        side: 'buy',
        type: 'market',
        size: 8,
        triggerStopUpPrice: '52000',
        triggerStopDownPrice: '48000',
        stopPriceType: 'TP',
      }),
    );
    expect(r['clientOid']).to.equal('tpsl');
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(8);
    const stops = await c.data<{ items: Json[] }>('GET', '/api/v1/stopOrders');
    expect(stops.items.map((s) => [s['side'], s['stop'], s['stopPrice'], s['reduceOnly']]).sort()).to.deep.equal([
      ['sell', 'down', '48000.0', true],
      ['sell', 'up', '52000.0', true],
    ]);
    sim.market.pin('XBTUSDTM', 52_100);
    sim.advance(2000);
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(0);
    expect((await c.data<{ items: Json[] }>('GET', '/api/v1/stopOrders')).items).to.have.length(0);
    const sl = await c.data<Json>('GET', '/api/v1/orders/byClientOid?clientOid=tpsl-down');
    expect(sl).to.include({ status: 'done', cancelExist: true, stopTriggered: false });
  });
});

describe('simulator trading: liquidation and funding', () => {
  let ctx: Ctx;
  afterEach(() => shut(ctx));

  it('liquidates an isolated long when the mark crosses its liquidation price', async () => {
    ctx = await open();
    const { sim, c } = ctx;
    sim.market.pin('XBTUSDTM', 50_000);
    await c.data('POST', '/api/v1/orders', order({ side: 'buy', type: 'market', size: 10, leverage: 10 }));
    const pos = await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM');
    // Margin M = 50.0012, q = 0.01, entry 50 001.2, mmr = 1/125/2 = 0.004:
    // liq = (q·e − M) / (q·(1 − mmr)) = 450.0108 / 0.00996 = 45 181.807…
    expect(pos['liquidationPrice'] as number).to.be.closeTo(45_181.807, 0.01);
    sim.market.pin('XBTUSDTM', 45_300);
    sim.advance(2000);
    expect((await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM'))['currentQty']).to.equal(10);
    // Release the pin and crash the underlying path to about 40 000.
    sim.market.pin('XBTUSDTM', null);
    sim.market.shock('XBTUSDTM', 40_000 / sim.market.markPrice('XBTUSDTM'));
    expect(sim.market.markPrice('XBTUSDTM')).to.be.closeTo(40_000, 1);
    sim.advance(2000);
    const after = await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM');
    expect(after['currentQty']).to.equal(0);
    const acct = await c.data<Json>('GET', '/api/v1/account-overview');
    // The whole margin and the entry fee are gone.
    expect(acct['accountEquity']).to.be.closeTo(10_000 - 50.0012 - 0.3000072, 1e-7);
    const fills = await c.data<{ items: Json[] }>('GET', '/api/v1/fills');
    expect(fills.items[0]).to.include({ tradeType: 'liquid', side: 'sell', size: 10 });
  });

  it('settles funding every 8 h of simulated time on open positions', async () => {
    ctx = await open({ startTime: Date.UTC(2025, 2, 3, 7, 50) });
    const { sim, c } = ctx;
    sim.market.pin('XBTUSDTM', 50_000);
    await c.data('POST', '/api/v1/orders', order({ side: 'buy', type: 'market', size: 10 }));
    const rate = (await c.data<Json>('GET', '/api/v1/funding-rate/XBTUSDTM/current', undefined, false))[
      'value'
    ] as number;
    const before = (await c.data<Json>('GET', '/api/v1/account-overview'))['marginBalance'] as number;
    sim.advance(9 * 60_000);
    expect((await c.data<Json>('GET', '/api/v1/account-overview'))['marginBalance']).to.equal(before);
    sim.advance(2 * 60_000); // crosses 08:00 UTC
    const after = (await c.data<Json>('GET', '/api/v1/account-overview'))['marginBalance'] as number;
    // A long pays qty × multiplier × mark × rate = 10 × 0.001 × 50 000 × rate.
    expect(after).to.be.closeTo(before - 500 * rate, 1e-9);
    const pos = await c.data<Json>('GET', '/api/v1/position?symbol=XBTUSDTM');
    expect(pos['posFunding']).to.be.closeTo(-500 * rate, 1e-9);
    // Two more periods: 16:00 and 00:00.
    sim.advance(16 * 3600_000);
    const later = (await c.data<Json>('GET', '/api/v1/account-overview'))['marginBalance'] as number;
    expect(later).to.not.equal(after);
  });
});
