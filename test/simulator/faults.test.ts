import { expect } from 'chai';
import { WebSocket } from 'ws';
import { parseFaultSpec, formatFaultSpec } from '../../config/fault-spec.js';
import { FaultInjector } from '../../src/simulator/fault-injector.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { SimClient } from './signed-client.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitUntil } from '../support/wait-until.js';

describe('parseFaultSpec', () => {
  it('parses kinds with rates and optional parameters', () => {
    expect(parseFaultSpec('latency=0.2:150,5xx=0.05,429=0.02:3,hang=0.01,malformed=0.01,wsdrop=0.5')).to.deep.equal({
      latency: { rate: 0.2, param: 150 },
      '5xx': { rate: 0.05, param: 503 },
      '429': { rate: 0.02, param: 3 },
      hang: { rate: 0.01 },
      malformed: { rate: 0.01 },
      wsdrop: { rate: 0.5 },
    });
    expect(parseFaultSpec('')).to.deep.equal({});
    expect(parseFaultSpec(' none ')).to.deep.equal({});
    expect(parseFaultSpec('5xx=1:502')).to.deep.equal({ '5xx': { rate: 1, param: 502 } });
    expect(formatFaultSpec(parseFaultSpec('hang=0.1,latency=1:20'))).to.equal('latency=1:20,hang=0.1');
  });

  it('names the bad part in its error', () => {
    const cases: Array<[string, RegExp]> = [
      ['latency=0.2,boom=0.1', /"boom=0\.1".*unknown fault "boom"/],
      ['latency', /"latency".*kind=rate/],
      ['5xx=1.5', /"5xx=1\.5".*rate must be a number in \[0, 1\]/],
      ['5xx=abc', /"5xx=abc".*rate/],
      ['hang=0.1:5', /"hang=0\.1:5".*takes no parameter/],
      ['5xx=0.1:404', /"5xx=0\.1:404".*500-599/],
      ['429=0.1:0', /"429=0\.1:0".*burst/],
      ['latency=0.1:-3', /"latency=0\.1:-3".*non-negative/],
      ['latency=0.1,latency=0.2', /given twice/],
      ['latency=0.1:1:2', /too many ':'/],
    ];
    for (const [spec, re] of cases) expect(() => parseFaultSpec(spec), spec).to.throw(re);
  });

  it('rolls the same dice for the same seed', () => {
    const seq = (seed: number): string[] => {
      const f = new FaultInjector(seed, '5xx=0.3,malformed=0.3');
      return Array.from({ length: 40 }, () => f.nextHttp().kind);
    };
    expect(seq(5)).to.deep.equal(seq(5));
    expect(seq(5)).to.not.deep.equal(seq(6));
    expect(seq(5)).to.include('5xx').and.include('malformed').and.include('none');
  });
});

describe('simulator fault injection over HTTP and WS', () => {
  let sim: SimulatorHandle;
  let c: SimClient;

  beforeEach(async () => {
    sim = await startSimulator({ clock: 'manual', contracts: 3, tickIntervalMs: 20 });
    c = new SimClient(sim.url, sim.credentials);
  });
  afterEach(async () => {
    c.close();
    await sim.close();
  });

  it("latency delays every response by the given ms (on the venue's real-time clock)", async () => {
    // A venue whose real time only moves when the test says so: the answer must wait for 150 ms of it.
    const real = new ManualClock(Date.now());
    const slow = await startSimulator({ clock: 'manual', contracts: 3, realClock: real });
    const sc = new SimClient(slow.url, slow.credentials);
    try {
      slow.faults.set('latency=1:150');
      const timers = real.pendingTimers; // the venue's tick interval
      let answered = false;
      const reply = sc.get('/api/v1/timestamp').then((r) => {
        answered = true;
        return r;
      });
      await waitUntil('the request to wait on the latency timer', () => real.pendingTimers > timers, {
        timeoutMs: 10_000,
        intervalMs: 5,
      });
      real.advance(149);
      await new Promise((r) => setImmediate(r));
      expect(answered, 'answered before the latency passed').to.equal(false);
      real.advance(1);
      expect((await reply).json?.code).to.equal('200000');
      slow.faults.clear();
      expect(slow.faults.current()).to.deep.equal({});
    } finally {
      sc.close();
      await slow.close();
    }
  });

  it('5xx answers the configured status with a 500000 body and executes nothing', async () => {
    sim.faults.set({ '5xx': { rate: 1, param: 502 } });
    const r = await c.post('/api/v1/orders', {
      clientOid: 'f5',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'market',
      size: 1,
      leverage: 2,
    });
    expect(r.status).to.equal(502);
    expect(r.json?.code).to.equal('500000');
    sim.faults.clear();
    expect((await c.get('/api/v1/positions', true)).json?.data).to.deep.equal([]);
  });

  it('429 bursts answer 429000 for the burst length with the pool shown empty', async () => {
    sim.faults.set('429=1:3');
    const r = await c.get('/api/v1/ticker?symbol=XBTUSDTM');
    expect(r.status).to.equal(429);
    expect(r.json?.code).to.equal('429000');
    expect(r.headers['gw-ratelimit-remaining']).to.equal('0');
    expect(Number(r.headers['gw-ratelimit-reset'])).to.be.above(0);
    sim.faults.set('429=0.5:3');
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await c.get('/api/v1/timestamp')).status);
    // Once a burst starts it lasts three requests.
    const first = codes.indexOf(429);
    expect(first).to.be.at.least(0);
    expect(codes.slice(first, first + 3)).to.deep.equal([429, 429, 429]);
  });

  it('hang never answers (the client times out) until close()', async () => {
    sim.faults.set('hang=1');
    const err = await c.send('GET', '/api/v1/timestamp', undefined, false, undefined, 300).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/timed out/);
  });

  it('malformed bodies are invalid JSON or carry NaN / missing fields', async () => {
    sim.faults.set('malformed=1');
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await c.get('/api/v1/ticker?symbol=XBTUSDTM');
      expect(r.status).to.equal(200);
      if (!r.json) seen.add('invalid-json');
      else {
        const d = r.json.data as Record<string, unknown>;
        if (d['price'] === 'NaN') seen.add('nan');
        else if (!('price' in d)) seen.add('missing');
        else throw new Error(`a malformed response looked healthy: ${r.text}`);
      }
    }
    expect([...seen].sort()).to.deep.equal(['invalid-json', 'missing', 'nan']);
  });

  it('wsdrop cuts the WebSocket connection instead of delivering a push', async () => {
    const bullet = await c.data<{ token: string; instanceServers: Array<{ endpoint: string }> }>(
      'POST',
      '/api/v1/bullet-public',
      undefined,
      false,
    );
    const ws = new WebSocket(`${bullet.instanceServers[0]!.endpoint}?token=${bullet.token}&connectId=d`);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('message', resolve)); // welcome
    sim.faults.set('wsdrop=1');
    ws.send(JSON.stringify({ id: 's', type: 'subscribe', topic: '/contractMarket/tickerV2:XBTUSDTM', response: true }));
    const code = await closed;
    expect(code).to.equal(1006); // abnormal closure: no close frame
  });

  it('takes its faults from the start options too', async () => {
    const s2 = await startSimulator({ clock: 'manual', contracts: 1, faults: '5xx=1' });
    const c2 = new SimClient(s2.url, s2.credentials);
    try {
      expect((await c2.get('/api/v1/timestamp')).status).to.equal(503);
    } finally {
      c2.close();
      await s2.close();
    }
  });
});
