// The client composed with the toolkit's breaker + retry, against the real simulator.
import { expect } from 'chai';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import { resilientPolicy } from '../../src/exchange/resilient-policy.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { recordingGate } from './support/recording-gate.js';
import { instantClock } from '../support/instant-clock.js';
import { simCredentials } from '../support/sim-credentials.js';

describe('KucoinFuturesClient with the resilient policy', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle;
  afterEach(async () => sim?.close());

  function build(onRetry: () => void) {
    const gate = recordingGate();
    const client = new KucoinFuturesClient({
      baseUrl: sim.url,
      credentials: simCredentials(sim),
      gate,
      observer: gate.observer,
      timeoutMs: 20_000,
      policy: resilientPolicy({ clock: instantClock, random: () => 0, retry: { maxRetries: 3, onRetry } }),
    });
    return { client, gate };
  }

  it('retries a GET after a 5xx, gating every attempt', async () => {
    sim = await startSimulator({ contracts: 2 });
    sim.faults.set('5xx=1');
    const { client, gate } = build(() => sim.faults.clear());
    const r = await client.ticker(sim.symbols[0] ?? 'XBTUSDTM');
    expect(r.data.price).to.be.greaterThan(0);
    expect(gate.acquired).to.have.length(2);
    expect(gate.records.map((x) => x.ok)).to.deep.equal([false, true]);
  });

  it('re-sends an order with the same clientOid after a timeout-class failure: one order results', async () => {
    sim = await startSimulator({ contracts: 2 });
    const symbol = sim.symbols[0] ?? 'XBTUSDTM';
    sim.faults.set('5xx=1');
    const { client, gate } = build(() => sim.faults.clear());
    const first = await client.placeOrder({
      clientOid: 'retry-same-oid',
      symbol,
      side: 'buy',
      type: 'market',
      size: 1,
      leverage: 2,
    });
    expect(gate.acquired).to.have.length(2);
    const again = await client.placeOrder({
      clientOid: 'retry-same-oid',
      symbol,
      side: 'buy',
      type: 'market',
      size: 1,
      leverage: 2,
    });
    expect(again.data.orderId).to.equal(first.data.orderId);
    expect((await client.position(symbol)).data.currentQty).to.equal(1);
  });

  it('never retries a non-retryable failure', async () => {
    sim = await startSimulator({ contracts: 2 });
    let retries = 0;
    const { client } = build(() => (retries += 1));
    const bad = new KucoinFuturesClient({
      baseUrl: sim.url,
      credentials: { key: 'x', secret: 'y', passphrase: 'z' },
      timeoutMs: 20_000,
      policy: resilientPolicy({ clock: instantClock, retry: { onRetry: () => (retries += 1) } }),
    });
    await bad.accountOverview().then(
      () => expect.fail('should fail'),
      (e: { code: string }) => expect(e.code).to.equal('400003'),
    );
    expect(retries).to.equal(0);
    void client;
  });
});
