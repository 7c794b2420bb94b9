// A liquidation's fill must pass the client's validation like any other fill: before the simulator
// gave its liquidation fills an order id, one liquidation made every later fills page unreadable.
import { expect } from 'chai';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { simCredentials } from '../support/sim-credentials.js';

describe('client fills after a liquidation', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle | undefined;
  afterEach(async () => sim?.close());

  it('reads the liquidation fill with its order id', async () => {
    sim = await startSimulator({ clock: 'manual', startTime: Date.UTC(2025, 2, 3, 12), contracts: 3 });
    const client = new KucoinFuturesClient({ baseUrl: sim.url, credentials: simCredentials(sim), timeoutMs: 20_000 });
    sim.market.pin('XBTUSDTM', 50_000);
    await client.placeOrder({
      clientOid: 'liq-test-1',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'market',
      size: 10,
      leverage: 10,
    });
    sim.market.pin('XBTUSDTM', null);
    sim.market.shock('XBTUSDTM', 40_000 / sim.market.markPrice('XBTUSDTM'));
    sim.advance(2000);
    expect((await client.position('XBTUSDTM')).data.currentQty).to.equal(0);
    const fills = (await client.fills({ symbol: 'XBTUSDTM' })).data.items;
    const liquidation = fills.find((f) => f.tradeType === 'liquid');
    expect(liquidation, 'liquidation fill').to.not.equal(undefined);
    expect(liquidation!.orderId).to.be.a('string').and.not.equal('');
    expect(liquidation!.size).to.equal(10);
  });
});
