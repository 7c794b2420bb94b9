import { expect } from 'chai';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { prehash } from '../../src/simulator/auth.js';
import { SimClient, hmac } from './signed-client.js';

describe('simulator authentication (KuCoin KC-API-* headers)', () => {
  let sim: SimulatorHandle;
  let client: SimClient;

  before(async () => {
    sim = await startSimulator({ clock: 'manual', contracts: 5 });
    client = new SimClient(sim.url, sim.credentials);
  });
  after(async () => {
    client.close();
    await sim.close();
  });

  it('accepts a correctly signed request (key version 2, HMAC passphrase)', async () => {
    const r = await client.get('/api/v1/account-overview?currency=USDT', true);
    expect(r.status).to.equal(200);
    expect(r.json?.code).to.equal('200000');
  });

  it('accepts key version 1 with a plain passphrase and version 3 with an HMAC one', async () => {
    expect((await client.get('/api/v1/positions', true, { keyVersion: '1' })).json?.code).to.equal('200000');
    expect((await client.get('/api/v1/positions', true, { keyVersion: '3' })).json?.code).to.equal('200000');
    // A plain passphrase with version 2 is wrong.
    const r = await client.get('/api/v1/positions', true, {
      keyVersion: '2',
      passphrase: sim.credentials.apiPassphrase,
    });
    expect(r.json?.code).to.equal('400004');
  });

  it('signs the POST body and the raw query exactly as sent', async () => {
    const r = await client.post('/api/v1/orders', {
      clientOid: 'auth-body',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'limit',
      price: '1000',
      size: 1,
      leverage: 5,
    });
    expect(r.json?.code).to.equal('200000');
    // Signing a re-encoded query instead of the raw one fails.
    const raw = '/api/v1/orders?status=active&symbol=XBTUSDTM';
    const ts = String(Date.now());
    const wrongSign = hmac(sim.credentials.apiSecret, `${ts}GET/api/v1/orders?symbol=XBTUSDTM&status=active`);
    const bad = await client.get(raw, true, { timestamp: ts, sign: wrongSign });
    expect(bad.json?.code).to.equal('400005');
    expect((await client.get(raw, true)).json?.code).to.equal('200000');
  });

  it('strips an empty trailing "?" before verifying', () => {
    expect(prehash('1', 'get', '/api/v1/positions?', '')).to.equal('1GET/api/v1/positions');
  });

  it('answers each auth failure with its KuCoin code and HTTP 401', async () => {
    const cases: Array<[string, Parameters<SimClient['get']>[2], string]> = [
      ['missing header', { omit: ['KC-API-SIGN'] }, '400001'],
      ['stale timestamp', { timestamp: String(Date.now() - 6000) }, '400002'],
      ['future timestamp', { timestamp: String(Date.now() + 6000) }, '400002'],
      ['unknown key', { apiKey: 'nobody' }, '400003'],
      ['wrong passphrase', { passphrase: hmac(sim.credentials.apiSecret, 'wrong') }, '400004'],
      ['bad signature', { sign: 'AAAA' }, '400005'],
    ];
    for (const [label, overrides, code] of cases) {
      const r = await client.get('/api/v1/account-overview', true, overrides);
      expect(r.status, label).to.equal(401);
      expect(r.json?.code, label).to.equal(code);
    }
  });

  it('checks the timestamp against the real clock even when simulated time is far ahead', async () => {
    sim.advance(3 * 24 * 3600_000);
    expect((await client.get('/api/v1/positions', true)).json?.code).to.equal('200000');
  });

  it('public endpoints need no signature', async () => {
    const r = await client.get('/api/v1/timestamp');
    expect(r.json?.code).to.equal('200000');
    expect(r.json?.data).to.equal(sim.clock.now());
  });
});

describe('simulator authentication: IP whitelist and permissions', () => {
  it('400006 for an address outside the whitelist, 400007 for trading with a read-only key', async () => {
    const a = await startSimulator({ clock: 'manual', contracts: 2, ipWhitelist: ['10.9.9.9'] });
    const b = await startSimulator({ clock: 'manual', contracts: 2, canTrade: false });
    const ca = new SimClient(a.url, a.credentials);
    const cb = new SimClient(b.url, b.credentials);
    try {
      const r1 = await ca.get('/api/v1/positions', true);
      expect([r1.status, r1.json?.code]).to.deep.equal([401, '400006']);
      expect((await cb.get('/api/v1/positions', true)).json?.code).to.equal('200000');
      const r2 = await cb.post('/api/v1/orders', {
        clientOid: 'ro',
        symbol: 'XBTUSDTM',
        side: 'buy',
        type: 'market',
        size: 1,
        leverage: 2,
      });
      expect([r2.status, r2.json?.code]).to.deep.equal([401, '400007']);
    } finally {
      ca.close();
      cb.close();
      await a.close();
      await b.close();
    }
  });

  it('uses custom credentials when given', async () => {
    const s = await startSimulator({
      clock: 'manual',
      contracts: 1,
      apiKey: 'k2',
      apiSecret: 's2',
      apiPassphrase: 'p2',
    });
    const good = new SimClient(s.url, { apiKey: 'k2', apiSecret: 's2', apiPassphrase: 'p2' });
    const old = new SimClient(s.url, { apiKey: 'sim-key', apiSecret: 'sim-secret', apiPassphrase: 'sim-passphrase' });
    try {
      expect((await good.get('/api/v1/positions', true)).json?.code).to.equal('200000');
      expect((await old.get('/api/v1/positions', true)).json?.code).to.equal('400003');
    } finally {
      good.close();
      old.close();
      await s.close();
    }
  });
});
