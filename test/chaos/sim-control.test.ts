// The simulator features the chaos run relies on: the stdin control channel of a separate simulator
// process (faults on/off, positions, price gaps), and injected 429 bursts that end after their
// burst length instead of locking the caller out for the rest of the quota window.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { runControlLine } from '../../src/simulator/control-channel.js';
import { SimClient } from '../simulator/signed-client.js';
import { Child } from '../support/child-process.js';

const SIM_CLI = fileURLToPath(new URL('../../src/simulator/cli.js', import.meta.url));

describe('simulator control for chaos runs', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle | undefined;
  let client: SimClient | undefined;

  afterEach(async () => {
    client?.close();
    await sim?.close();
    sim = undefined;
    client = undefined;
    await Child.killAll();
  });

  it('runControlLine sets, shows and clears faults, lists positions, shocks prices, and reports bad input', async () => {
    sim = await startSimulator({ clock: 'manual', contracts: 3 });
    const target = {
      faults: sim.faults,
      market: sim.market,
      openPositions: () => sim!.engine.ledger.open().map((p) => ({ symbol: p.symbol, qty: p.qty })),
    };
    expect(runControlLine('faults 5xx=0.5,latency=0.1:20', target)).to.equal(
      'simulator: faults=latency=0.1:20,5xx=0.5:503',
    );
    expect(sim.faults.current()).to.deep.equal({ latency: { rate: 0.1, param: 20 }, '5xx': { rate: 0.5, param: 503 } });
    expect(runControlLine('faults', target)).to.equal('simulator: faults=latency=0.1:20,5xx=0.5:503');
    expect(runControlLine('faults off', target)).to.equal('simulator: faults=none');
    expect(sim.faults.current()).to.deep.equal({});
    expect(runControlLine('faults boom=1', target)).to.match(/^simulator: error: .*unknown fault "boom"/);
    expect(runControlLine('positions', target)).to.equal('simulator: positions=');
    const symbol = sim.symbols[0]!;
    const before = sim.market.markPrice(symbol);
    expect(runControlLine(`shock ${symbol} 0.9`, target)).to.equal(`simulator: shocked ${symbol} x0.9`);
    expect(sim.market.markPrice(symbol) / before).to.be.closeTo(0.9, 0.01);
    expect(runControlLine('shock NOPE 0.9', target)).to.match(/^simulator: error:/);
    expect(runControlLine('shock', target)).to.match(/^simulator: error: usage/);
    expect(runControlLine('dance', target)).to.match(/^simulator: error: unknown command/);
    expect(runControlLine('   ', target)).to.equal(undefined);
  });

  it('the CLI process takes faults from stdin and serves them', async () => {
    const child = new Child('simulator', SIM_CLI, { env: { ...process.env, SIM_PORT: '0', SIM_FAULTS: '' } });
    const url = (await child.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 10_000))[1]!;
    client = new SimClient(url, { apiKey: 'sim-key', apiSecret: 'sim-secret', apiPassphrase: 'sim-passphrase' });
    expect((await client.get('/api/v1/timestamp')).status).to.equal(200);
    child.send('faults 5xx=1:502');
    await child.waitFor(/simulator: faults=5xx=1:502/, 5000);
    expect((await client.get('/api/v1/timestamp')).status).to.equal(502);
    child.send('faults none');
    await child.waitFor(/simulator: faults=none/, 5000);
    expect((await client.get('/api/v1/timestamp')).status).to.equal(200);
    child.kill('SIGTERM');
    expect((await child.exited).code).to.equal(0);
  });

  it('an injected 429 burst lasts its length, leaves the real quota alone and sends a short reset', async () => {
    sim = await startSimulator({ clock: 'manual', contracts: 3 });
    client = new SimClient(sim.url, sim.credentials);
    sim.faults.set('429=1:3');
    const burst = await client.get('/api/v1/timestamp');
    expect(burst.status).to.equal(429);
    expect(burst.headers['gw-ratelimit-remaining']).to.equal('0');
    expect(Number(burst.headers['gw-ratelimit-reset'])).to.be.within(1, 1000);
    sim.faults.clear();
    // Before the fix the injected 429 spent the whole pool: every request got 429 until the 30 s window reset.
    const after = await client.get('/api/v1/timestamp');
    expect(after.status).to.equal(200);
    expect(Number(after.headers['gw-ratelimit-remaining'])).to.be.above(1900);
  });
});
