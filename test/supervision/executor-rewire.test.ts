// Restarting the executor re-wires its clients: a call in flight rejects with PeerGoneError well
// before its RPC timeout, and later calls reach the new executor incarnation.
import { expect } from 'chai';
import { KUCOIN_LIMITS } from '../../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { WorkerSupervisor } from '../../src/supervision/worker-supervisor.js';
import { FAST, FIXTURE_WORKER, captureLogger } from './harness.js';

describe('executor restart re-wires its clients', function () {
  this.timeout(30_000);
  let supervisor: WorkerSupervisor | undefined;

  afterEach(async () => {
    await supervisor?.stop('test over');
  });

  it('rejects the in-flight call as peer gone and routes later calls to the new executor', async () => {
    const logger = captureLogger();
    const lines = logger.lines;
    const waitForLine = (pred: (l: (typeof lines)[number]) => boolean, what: string): Promise<(typeof lines)[number]> =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          clearInterval(poll);
          reject(new Error(`timed out waiting for ${what}`));
        }, 15_000);
        const poll = setInterval(() => {
          const hit = lines.find(pred);
          if (hit) {
            clearInterval(poll);
            clearTimeout(deadline);
            resolve(hit);
          }
        }, 10);
      });
    const rpcTimeoutMs = 8000;
    supervisor = new WorkerSupervisor(
      [
        {
          name: 'exec',
          script: FIXTURE_WORKER,
          role: 'executor',
          settings: { kind: 'executor' },
          stallInject: { afterMs: 500, busyMs: 60_000 },
        },
        { name: 'client-a', script: FIXTURE_WORKER, role: 'client', settings: { kind: 'client', stepMs: 50 } },
        { name: 'client-b', script: FIXTURE_WORKER, role: 'client', settings: { kind: 'client', stepMs: 50 } },
      ],
      SharedRateLimiter.create(KUCOIN_LIMITS).buffer,
      { ...FAST, rpcTimeoutMs, logger, alert: () => undefined },
    );
    await supervisor.start();
    // Both clients talk to generation 0 first.
    for (const c of ['client-a', 'client-b']) {
      await waitForLine(
        (l) => l.message === 'rpc ping' && l.meta.worker === c && l.meta.generation === 0,
        `${c} ping gen 0`,
      );
    }
    // The executor stalls and is replaced; the slow call each client had in flight is rejected.
    for (const c of ['client-a', 'client-b']) {
      const rejected = await waitForLine(
        (l) => l.message === 'rpc slow rejected' && l.meta.worker === c,
        `${c} slow rejection`,
      );
      expect(rejected.meta.code).to.equal('PEER_GONE');
      expect(rejected.meta.afterMs).to.be.a('number').below(rpcTimeoutMs);
    }
    for (const c of ['client-a', 'client-b']) {
      await waitForLine(
        (l) => l.message === 'rpc ping' && l.meta.worker === c && l.meta.generation === 1,
        `${c} ping gen 1`,
      );
    }
    const status = supervisor.status();
    expect(status.find((s) => s.name === 'exec')).to.include({ generation: 1, restarts: 1 });
    expect(status.filter((s) => s.name !== 'exec').map((s) => s.restarts)).to.deep.equal([0, 0]);
  });
});
