import { expect } from 'chai';
import { MessageChannel } from 'node:worker_threads';
import { ExecutorLink } from '../../src/worker-runtime/executor-link.js';
import { ExecutorServer } from '../../src/worker-runtime/executor-server.js';
import { ManualClock } from '../support/manual-clock.js';

interface Api {
  add(a: number, b: number): Promise<number>;
  never(): Promise<void>;
}
const api: Api = { add: async (a, b) => a + b, never: () => new Promise<void>(() => undefined) };

describe('ExecutorLink (comlink with timeout and peer-gone)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  function pair(
    timeoutMs: number,
    clock = new ManualClock(),
  ): { link: ExecutorLink<Api>; server: ExecutorServer; connect: (gen: number) => void } {
    const link = new ExecutorLink<Api>(timeoutMs, 'order-executor', clock);
    const server = new ExecutorServer(api);
    cleanups.push(
      () => link.close(),
      () => server.close(),
    );
    return {
      link,
      server,
      connect: (gen) => {
        const { port1, port2 } = new MessageChannel();
        server.serve('client', port1);
        link.connect(port2, gen);
      },
    };
  }

  it('calls through and reports the connected generation', async () => {
    const { link, connect } = pair(2000);
    connect(4);
    expect(await link.call('add', 2, 3)).to.equal(5);
    expect(link.generation).to.equal(4);
  });

  it('times out a call the peer never answers', async () => {
    const clock = new ManualClock();
    const { link, connect } = pair(150, clock);
    connect(0);
    let settled: Error | undefined;
    const call = link.call('never').then(
      () => undefined,
      (e: Error) => (settled = e),
    );
    clock.advance(149);
    await Promise.resolve();
    expect(settled, 'still waiting 1 ms before the timeout').to.equal(undefined);
    clock.advance(1);
    const err = await call;
    expect(err).to.include({ name: 'RpcTimeoutError', code: 'RPC_TIMEOUT' });
  });

  it('rejects calls in flight with PeerGoneError when a new port replaces the old one', async () => {
    const { link, connect } = pair(5000);
    connect(0);
    const inFlight = link.call('never');
    connect(1);
    const err = await inFlight.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.include({ name: 'PeerGoneError', code: 'PEER_GONE' });
    expect(await link.call('add', 1, 1)).to.equal(2);
  });

  it('rejects calls in flight when the other end of the port closes', async () => {
    const link = new ExecutorLink<Api>(5000);
    cleanups.push(() => link.close());
    const { port1, port2 } = new MessageChannel();
    port1.on('message', () => undefined); // a peer that never answers
    link.connect(port2, 0);
    const inFlight = link.call('add', 1, 2);
    port1.close();
    const err = await inFlight.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.include({ code: 'PEER_GONE' });
  });

  it('holds a call made while no executor is connected until a port arrives', async () => {
    const { link, connect } = pair(2000);
    const pending = link.call('add', 20, 22);
    await Promise.resolve(); // the call is parked, waiting for a port
    connect(2);
    expect(await pending).to.equal(42);
  });
});

describe('ExecutorLink during shutdown', () => {
  it('fails calls at once when draining and no executor is connected, instead of waiting for a port', async () => {
    // On a clock that never moves, the 5 s timeout cannot be what ends the calls.
    const link = new ExecutorLink<Api>(5000, 'order-executor', new ManualClock());
    const waiting = link.call('add', 1, 2);
    link.drain();
    const err = await waiting.then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).to.include({ code: 'PEER_GONE' });
    const later = await link.call('add', 1, 2).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(later).to.include({ code: 'PEER_GONE' });
    link.close();
  });
});
