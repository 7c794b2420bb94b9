// The supervisor's test-only fault hooks on real threads: an injected stall is found by the stall
// detector and an injected crash takes the ordinary crash path, each ending in a restart.
import { expect } from 'chai';
import { KUCOIN_LIMITS } from '../../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { WorkerSupervisor } from '../../src/supervision/worker-supervisor.js';
import { FAST, FIXTURE_WORKER, captureLogger, nextEvent } from './harness.js';

describe('WorkerSupervisor chaos hooks (injectStall, injectCrash)', function () {
  this.timeout(30_000);
  let supervisor: WorkerSupervisor | undefined;

  afterEach(async () => {
    await supervisor?.stop('test over');
    supervisor = undefined;
  });

  function make() {
    const logger = captureLogger();
    const alerts: string[] = [];
    supervisor = new WorkerSupervisor(
      [
        { name: 'victim', script: FIXTURE_WORKER, role: 'standalone' },
        { name: 'bystander', script: FIXTURE_WORKER, role: 'standalone' },
      ],
      SharedRateLimiter.create(KUCOIN_LIMITS).buffer,
      { ...FAST, logger, alert: (line) => alerts.push(line) },
    );
    return { sup: supervisor, logger, alerts };
  }

  it('injectStall busy-loops the live worker until the stall detector replaces it', async () => {
    const { sup, logger, alerts } = make();
    await sup.start();
    expect(sup.injectStall('nobody', 60_000)).to.equal(false);
    const stalled = nextEvent(sup.onStall, undefined, 15_000, 'stall');
    const replaced = nextEvent(
      sup.onReady,
      (r) => r.worker === 'victim' && r.generation === 1,
      15_000,
      'replacement ready',
    );
    expect(sup.injectStall('victim', 60_000)).to.equal(true);
    const stall = await stalled;
    expect(stall.worker).to.equal('victim');
    expect(stall.verdict.kind).to.equal('no-heartbeat');
    await replaced;
    expect(alerts.filter((a) => a.startsWith('THREAD STALL victim:'))).to.have.length(1);
    expect(alerts.filter((a) => /THREAD (CRASH|ESCALATE)/.test(a))).to.deep.equal([]);
    const restarts = logger.lines.filter((l) => l.message === 'worker restart');
    expect(restarts.map((l) => l.meta)).to.have.length(1);
    expect(restarts[0]?.meta).to.include({ worker: 'victim', reason: 'stall', restartCount: 1 });
    expect(sup.status().find((s) => s.name === 'bystander')).to.include({ generation: 0, restarts: 0 });
  });

  it('injectCrash kills the live thread and the supervisor treats it as a crash and restarts it', async () => {
    const { sup, logger, alerts } = make();
    await sup.start();
    expect(sup.injectCrash('nobody')).to.equal(false);
    const crashed = nextEvent(sup.onCrash, undefined, 15_000, 'crash');
    const restarted = nextEvent(sup.onRestart, undefined, 15_000, 'restart');
    const replaced = nextEvent(
      sup.onReady,
      (r) => r.worker === 'victim' && r.generation === 1,
      15_000,
      'replacement ready',
    );
    expect(sup.injectCrash('victim')).to.equal(true);
    const crash = await crashed;
    expect(crash.worker).to.equal('victim');
    expect(crash.reason).to.contain('ChaosCrash');
    expect(await restarted).to.include({ worker: 'victim', reason: 'crash', restartCount: 1 });
    await replaced;
    expect(alerts.filter((a) => a.startsWith('THREAD CRASH victim:'))).to.have.length(1);
    expect(alerts.filter((a) => /THREAD (STALL|ESCALATE)/.test(a))).to.deep.equal([]);
    expect(logger.lines.filter((l) => l.message === 'worker restart')).to.have.length(1);
    expect(sup.status().find((s) => s.name === 'victim')).to.include({ phase: 'running', generation: 1, restarts: 1 });
    // A crash injected while the slot is restarting finds no live thread.
    const again = nextEvent(sup.onRestart, undefined, 15_000, 'second restart');
    expect(sup.injectCrash('victim')).to.equal(true);
    expect(sup.injectCrash('victim')).to.equal(false);
    expect(await again).to.include({ worker: 'victim', reason: 'crash', restartCount: 2 });
  });
});
