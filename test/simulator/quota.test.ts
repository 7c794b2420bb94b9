import { expect } from 'chai';
import { ENDPOINTS, POOL_QUOTA, POOL_WINDOW_MS } from '../../src/exchange/endpoints.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { SimClient, type SimResponse } from './signed-client.js';

function rl(r: SimResponse): { limit: number; remaining: number; reset: number } {
  return {
    limit: Number(r.headers['gw-ratelimit-limit']),
    remaining: Number(r.headers['gw-ratelimit-remaining']),
    reset: Number(r.headers['gw-ratelimit-reset']),
  };
}

describe('simulator quota pools', () => {
  let sim: SimulatorHandle;
  let client: SimClient;
  let realNow = 1_000_000;

  beforeEach(async () => {
    realNow = 1_000_000;
    sim = await startSimulator({ clock: 'manual', contracts: 3, quotaClock: { now: () => realNow } });
    client = new SimClient(sim.url, sim.credentials);
  });
  afterEach(async () => {
    client.close();
    await sim.close();
  });

  it('charges the endpoint table weights to the right pool and reports it on every response', async () => {
    const t1 = await client.get('/api/v1/ticker?symbol=XBTUSDTM');
    expect(rl(t1)).to.deep.equal({
      limit: POOL_QUOTA.public,
      remaining: POOL_QUOTA.public - ENDPOINTS.ticker.weight,
      reset: POOL_WINDOW_MS,
    });
    realNow += 1000;
    const k = await client.get('/api/v1/kline/query?symbol=XBTUSDTM&granularity=1');
    expect(rl(k).remaining).to.equal(POOL_QUOTA.public - ENDPOINTS.ticker.weight - ENDPOINTS.klines.weight);
    expect(rl(k).reset).to.equal(POOL_WINDOW_MS - 1000);
    // The futures pool is separate and keyed by API key.
    const a = await client.get('/api/v1/account-overview', true);
    expect(rl(a).remaining).to.equal(POOL_QUOTA.futures - ENDPOINTS.accountOverview.weight);
    const p = await client.get('/api/v1/positions', true);
    expect(rl(p).remaining).to.equal(
      POOL_QUOTA.futures - ENDPOINTS.accountOverview.weight - ENDPOINTS.positions.weight,
    );
    const o = await client.post('/api/v1/orders', {
      clientOid: 'q1',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'limit',
      price: '100',
      size: 1,
      leverage: 1,
    });
    expect(rl(o).remaining).to.equal(rl(p).remaining - ENDPOINTS.placeOrder.weight);
    // Errors carry the headers too.
    const bad = await client.get('/api/v1/ticker?symbol=NOPE');
    expect(bad.json?.code).to.equal('400100');
    expect(bad.headers['gw-ratelimit-remaining']).to.be.a('string');
    const missing = await client.get('/api/v1/nothing-here');
    expect(missing.status).to.equal(404);
    expect(missing.headers['gw-ratelimit-limit']).to.equal(String(POOL_QUOTA.public));
  });

  it('answers 429000 with HTTP 429 once a pool is exhausted, and recovers after the window resets', async () => {
    // 2000 / weight 3 = 666 contract requests fit; the 667th does not.
    let last: SimResponse | undefined;
    for (let i = 0; i < Math.floor(POOL_QUOTA.public / ENDPOINTS.contract.weight); i++) {
      last = await client.get('/api/v1/contracts/XBTUSDTM');
      expect(last.json?.code).to.equal('200000');
    }
    expect(rl(last!).remaining).to.equal(POOL_QUOTA.public % ENDPOINTS.contract.weight);
    const limited = await client.get('/api/v1/contracts/XBTUSDTM');
    expect(limited.status).to.equal(429);
    expect(limited.json?.code).to.equal('429000');
    // A lighter request that still fits is allowed: 2000 % 3 = 2 left, the timestamp weighs 2.
    const fits = await client.get('/api/v1/timestamp');
    expect(fits.json?.code).to.equal('200000');
    expect(rl(fits).remaining).to.equal(0);
    // The futures pool is untouched.
    expect((await client.get('/api/v1/positions', true)).json?.code).to.equal('200000');
    realNow += POOL_WINDOW_MS - 1;
    expect((await client.get('/api/v1/timestamp')).status).to.equal(429);
    realNow += 1;
    const again = await client.get('/api/v1/timestamp');
    expect(again.json?.code).to.equal('200000');
    expect(rl(again)).to.deep.equal({
      limit: POOL_QUOTA.public,
      remaining: POOL_QUOTA.public - ENDPOINTS.serverTime.weight,
      reset: POOL_WINDOW_MS,
    });
  });
});
