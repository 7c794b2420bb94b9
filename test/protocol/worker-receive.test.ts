// The worker side of the protocol, driven by hand over a real thread: malformed messages are logged
// and counted, never fatal; init leads to the ready handshake and heartbeats; shutdown leads to
// shutdown-complete and a clean exit.
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { parseWorkerMessage, type WorkerMessage } from '../../src/protocol/messages.js';
import { KUCOIN_LIMITS } from '../../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';

const FIXTURE = new URL('../fixtures/fixture-worker.js', import.meta.url);

describe('worker runtime receiving supervisor messages', function () {
  this.timeout(20_000);
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.terminate();
  });

  it('survives malformed messages, then handshakes, heartbeats and shuts down cleanly', async () => {
    worker = new Worker(FIXTURE);
    const received: WorkerMessage[] = [];
    const waiters: { match: (m: WorkerMessage) => boolean; resolve: (m: WorkerMessage) => void }[] = [];
    worker.on('message', (raw: unknown) => {
      const parsed = parseWorkerMessage(raw);
      expect(parsed.ok, 'the worker only posts valid messages').to.equal(true);
      if (!parsed.ok) return;
      received.push(parsed.message);
      for (const w of [...waiters]) {
        if (w.match(parsed.message)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed.message);
        }
      }
    });
    const next = (match: (m: WorkerMessage) => boolean): Promise<WorkerMessage> => {
      const hit = received.find(match);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    };
    const exited = new Promise<number>((resolve) => worker?.once('exit', resolve));

    worker.postMessage({ type: 'nope' });
    worker.postMessage({ type: 'init', worker: '', generation: -1 });
    worker.postMessage(42);
    const config = {
      heartbeatIntervalMs: 50,
      metricsIntervalMs: 100,
      rpcTimeoutMs: 1000,
      stallInject: null,
      settings: { mode: 'steady' },
    };
    worker.postMessage({
      type: 'init',
      worker: 'hand-driven',
      generation: 0,
      limiterBuffer: SharedRateLimiter.create(KUCOIN_LIMITS).buffer,
      config,
    });

    const ready = await next((m) => m.type === 'ready');
    expect(ready).to.include({ worker: 'hand-driven', generation: 0 });
    await next((m) => m.type === 'heartbeat' && m.progress >= 3);
    const warnings = received.filter(
      (m) => m.type === 'log' && m.level === 'warn' && m.message.startsWith('ignored a malformed message'),
    );
    expect(warnings).to.have.length(3);
    const last = warnings[2];
    expect(last?.type === 'log' ? last.meta?.rejected : undefined).to.equal(3);

    worker.postMessage({ type: 'shutdown', reason: 'test' });
    const done = await next((m) => m.type === 'shutdown-complete');
    expect(done.type === 'shutdown-complete' && done.progress).to.be.at.least(3);
    expect(await exited).to.equal(0);
    const metrics = received.filter((m) => m.type === 'metrics');
    expect(metrics.length, 'a final metrics flush at shutdown').to.be.at.least(1);
  });
});
