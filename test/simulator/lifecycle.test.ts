import { expect } from 'chai';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { startSimulator } from '../../src/simulator/simulator.js';
import { readSimulatorEnv } from '../../src/simulator/simulator-env.js';
import { SimClient } from './signed-client.js';
import { waitUntil } from '../support/wait-until.js';
import { tcpHandles } from '../support/tcp-handles.js';
import { Child, runToExit } from '../support/child-process.js';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', () => resolve(true));
  });
}

describe('simulator lifecycle', () => {
  it('close() ends keep-alive HTTP, WebSockets and hung requests and frees the port', async () => {
    const baseline = tcpHandles();
    const sim = await startSimulator({ clock: 'manual', contracts: 2 });
    const c = new SimClient(sim.url, sim.credentials);
    await c.get('/api/v1/timestamp'); // leaves a keep-alive socket
    const bullet = await c.data<{ token: string; instanceServers: Array<{ endpoint: string }> }>(
      'POST',
      '/api/v1/bullet-public',
      undefined,
      false,
    );
    const ws = new WebSocket(`${bullet.instanceServers[0]!.endpoint}?token=${bullet.token}`);
    await new Promise((resolve) => ws.once('message', resolve));
    const wsClosed = new Promise((resolve) => ws.once('close', resolve));
    sim.faults.set('hang=1');
    const hung = c.get('/api/v1/timestamp').then(
      () => 'answered',
      () => 'aborted',
    );
    // No hook says the server holds the request yet; the wait lets it arrive so close() meets a hung
    // request (had it not arrived, close() would refuse it and the test would still pass).
    await new Promise((r) => setTimeout(r, 50));
    await sim.close();
    expect(await hung).to.equal('aborted');
    await wsClosed;
    c.close();
    expect(await refused(sim.port)).to.equal(true);
    // Client-side sockets close a tick after the server's.
    await waitUntil('every socket of ours to close', () => tcpHandles() <= baseline, {
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    expect(tcpHandles()).to.equal(baseline);
    await sim.close(); // idempotent
  });

  it('rejects invalid options naming the field', async () => {
    for (const [opts, re] of [
      [{ port: -1 }, /port/],
      [{ speed: 0 }, /speed/],
      [{ contracts: 0 }, /contracts/],
      [{ profile: 'wild' }, /profile/],
      [{ balance: Number.NaN }, /balance/],
    ] as const) {
      let err: unknown;
      try {
        await startSimulator(opts as never);
      } catch (e) {
        err = e;
      }
      expect(String(err)).to.match(re);
    }
  });
});

describe('simulator env and CLI', () => {
  afterEach(() => Child.killAll());

  it('reads SIM_* with defaults and clear errors', () => {
    expect(readSimulatorEnv({})).to.deep.include({ port: 0, apiKey: 'sim-key', balance: 10_000, seed: 42, speed: 1 });
    expect(readSimulatorEnv({ SIM_PORT: '8123', SIM_SPEED: '60', SIM_FAULTS: '5xx=0.1' })).to.deep.include({
      port: 8123,
      speed: 60,
      faults: { '5xx': { rate: 0.1, param: 503 } },
    });
    expect(() => readSimulatorEnv({ SIM_PORT: 'x' })).to.throw(/SIM_PORT/);
    expect(() => readSimulatorEnv({ SIM_SPEED: '0' })).to.throw(/SIM_SPEED/);
    expect(() => readSimulatorEnv({ SIM_SEED: '1.5' })).to.throw(/SIM_SEED/);
    expect(() => readSimulatorEnv({ SIM_API_KEY: '' })).to.throw(/SIM_API_KEY/);
    expect(() => readSimulatorEnv({ SIM_FAULTS: 'nope=1' })).to.throw(/SIM_FAULTS.*nope/);
  });

  it('prints its URL and key (never the secret) and stops cleanly on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('../../src/simulator/cli.js', import.meta.url));
    const child = new Child('simulator CLI', cli, {
      env: { ...process.env, SIM_PORT: '0', SIM_API_SECRET: 'very-secret-value', SIM_SEED: '9' },
    });
    await child.waitFor(/http:\/\/127\.0\.0\.1:\d+[^\n]*\n/, 15_000);
    const line = child.stdout.split('\n')[0]!;
    const url = /http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
    expect(url, line).to.not.equal(null);
    expect(line).to.include('apiKey=sim-key');
    expect(line).to.not.include('very-secret-value');
    const c = new SimClient(url![0], {
      apiKey: 'sim-key',
      apiSecret: 'very-secret-value',
      apiPassphrase: 'sim-passphrase',
    });
    expect((await c.get('/api/v1/positions', true)).json?.code).to.equal('200000');
    c.close();
    child.kill('SIGTERM');
    expect((await child.exited).code).to.equal(0);
  });

  it('exits with status 2 and names a bad env key', async () => {
    const cli = fileURLToPath(new URL('../../src/simulator/cli.js', import.meta.url));
    const { code, stderr: err } = await runToExit('simulator CLI', cli, {
      env: { ...process.env, SIM_FAULTS: 'latency=2' },
    });
    expect(code).to.equal(2);
    expect(err).to.match(/SIM_FAULTS.*latency=2/);
  });
});
