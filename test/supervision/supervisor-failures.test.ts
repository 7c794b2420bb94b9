// Real worker threads on the real runtime: stalls, hangs, crashes, malformed messages, stop.
import { expect } from 'chai';
import { KUCOIN_LIMITS } from '../../src/exchange/endpoints.js';
import { type Clock, systemClock } from '../../src/resilience/clock.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { WorkerSupervisor } from '../../src/supervision/worker-supervisor.js';
import type { WorkerSpec } from '../../src/supervision/worker-spec.js';
import { FAST, FIXTURE_WORKER, captureLogger, nextEvent } from './harness.js';

describe('WorkerSupervisor with real worker threads', function () {
  this.timeout(30_000);
  let supervisor: WorkerSupervisor | undefined;

  afterEach(async () => {
    await supervisor?.stop('test over');
    supervisor = undefined;
  });

  function make(specs: WorkerSpec[], extra: Record<string, unknown> = {}) {
    const logger = captureLogger();
    const alerts: string[] = [];
    supervisor = new WorkerSupervisor(specs, SharedRateLimiter.create(KUCOIN_LIMITS).buffer, {
      ...FAST,
      logger,
      alert: (line) => alerts.push(line),
      ...extra,
    });
    return { sup: supervisor, logger, alerts };
  }

  it('detects a busy-looping worker within STALL_TIMEOUT + one heartbeat and replaces it', async () => {
    const { sup, logger, alerts } = make([
      { name: 'spinner', script: FIXTURE_WORKER, role: 'standalone', stallInject: { afterMs: 300, busyMs: 60_000 } },
    ]);
    const stalled = nextEvent(sup.onStall, undefined, 15_000, 'stall');
    const replacementBeat = nextEvent(
      sup.onHeartbeat,
      (h) => h.generation === 1,
      20_000,
      'first heartbeat of the replacement',
    );
    await sup.start();
    const stall = await stalled;
    expect(stall.verdict.kind).to.equal('no-heartbeat');
    if (stall.verdict.kind === 'no-heartbeat') {
      expect(stall.verdict.silentMs).to.be.above(FAST.stallTimeoutMs);
      expect(stall.verdict.silentMs).to.be.at.most(FAST.stallTimeoutMs + FAST.heartbeatIntervalMs);
    }
    // A busy loop keeps the worker's event loop saturated: the parent-side ELU shows it.
    expect(stall.evidence.eventLoopUtilization).to.be.above(0.5);
    await replacementBeat;
    expect(
      alerts.some((a) => /^THREAD STALL spinner: no heartbeat for \d+\.\d s$/.test(a)),
      alerts.join('\n'),
    ).to.equal(true);
    const restartLog = logger.lines.find((l) => l.message === 'worker restart');
    expect(restartLog?.level).to.equal('warn');
    expect(restartLog?.meta).to.include({ worker: 'spinner', reason: 'stall', restartCount: 1, delayMs: 0 });
    const evidence = restartLog?.meta.evidence as Record<string, unknown>;
    expect(evidence.lastHeartbeatAgeMs).to.be.a('number').above(FAST.stallTimeoutMs);
    expect(evidence).to.have.property('eventLoopUtilization');
    expect(sup.status()[0]).to.include({ name: 'spinner', generation: 1, restarts: 1 });
  });

  it('detects a loop hung on a never-settling promise by frozen progress while heartbeats continue', async () => {
    const { sup, alerts } = make(
      [{ name: 'hanger', script: FIXTURE_WORKER, role: 'standalone', settings: { mode: 'hang-after', after: 3 } }],
      { progressTimeoutMs: 700 },
    );
    const stalled = nextEvent(sup.onStall, undefined, 15_000, 'stall');
    await sup.start();
    const stall = await stalled;
    expect(stall.verdict.kind).to.equal('no-progress');
    expect(stall.evidence.lastHeartbeatAgeMs).to.be.below(FAST.stallTimeoutMs); // heartbeats were arriving
    expect(stall.evidence.progress).to.equal(3);
    expect(stall.evidence.eventLoopUtilization).to.be.below(0.5); // idle, not spinning
    await nextEvent(sup.onReady, (r) => r.generation === 1, 15_000, 'replacement ready');
    expect(alerts.some((a) => a.startsWith('THREAD STALL hanger: no progress for'))).to.equal(true);
  });

  it('restarts a worker whose loop throws, reporting the error', async () => {
    const { sup, alerts, logger } = make([
      { name: 'thrower', script: FIXTURE_WORKER, role: 'standalone', settings: { mode: 'throw-after', after: 2 } },
    ]);
    const crashed = nextEvent(sup.onCrash, undefined, 15_000, 'crash');
    const restarted = nextEvent(sup.onRestart, undefined, 15_000, 'restart');
    await sup.start();
    const crash = await crashed;
    expect(crash.reason).to.contain('fixture boom');
    expect((await restarted).reason).to.equal('crash');
    await nextEvent(sup.onHeartbeat, (h) => h.generation === 1, 15_000, 'replacement heartbeat');
    expect(alerts.some((a) => a.startsWith('THREAD CRASH thrower: Error: fixture boom'))).to.equal(true);
    expect(logger.lines.some((l) => l.message === 'worker restart' && l.meta.reason === 'crash')).to.equal(true);
  });

  it('backs off between repeated restarts: the first at once, then 100 ms doubling', async () => {
    const { sup } = make(
      [{ name: 'flaky', script: FIXTURE_WORKER, role: 'standalone', settings: { mode: 'throw-after', after: 0 } }],
      {
        maxRestarts: 10,
      },
    );
    const delays: number[] = [];
    const three = new Promise<void>((resolve) => {
      sup.onRestart((r) => {
        delays.push(r.delayMs);
        if (delays.length === 3) resolve();
      });
    });
    await sup.start().catch(() => undefined);
    await three;
    expect(delays).to.deep.equal([0, 100, 200]);
  });

  it('counts malformed messages from a worker without restarting it', async () => {
    const { sup } = make([
      { name: 'garbler', script: FIXTURE_WORKER, role: 'standalone', settings: { mode: 'garbage' } },
    ]);
    const rejects: string[] = [];
    sup.onProtocolReject((r) => rejects.push(r.description));
    const third = nextEvent(sup.onProtocolReject, (r) => r.count === 3, 10_000, 'three rejects');
    await sup.start();
    await third;
    const beat = await nextEvent(sup.onHeartbeat, (h) => h.progress > 5, 10_000, 'later heartbeat');
    expect(beat.generation).to.equal(0);
    expect(rejects).to.include("type 'bogus'");
    expect(sup.status()[0]).to.include({ restarts: 0, rejectedMessages: 3, phase: 'running' });
  });

  it('stops gracefully: steady workers finish and exit, a hung one is terminated after the timeout', async () => {
    // The real clock, noting which timeouts ran out: the hung worker must be terminated by the
    // SHUTDOWN_TIMEOUT timer, not before it.
    const expired: number[] = [];
    const clock: Clock = {
      ...systemClock,
      setTimeout: (callback, ms) =>
        systemClock.setTimeout(() => {
          expired.push(ms);
          callback();
        }, ms),
    };
    const { sup } = make(
      [
        { name: 'steady', script: FIXTURE_WORKER, role: 'standalone' },
        { name: 'stuck', script: FIXTURE_WORKER, role: 'standalone', settings: { mode: 'hang-after', after: 1 } },
      ],
      { shutdownTimeoutMs: 800, clock },
    );
    await sup.start();
    await nextEvent(sup.onHeartbeat, (h) => h.worker === 'stuck' && h.progress >= 1, 10_000);
    expect(expired).to.not.include(800);
    const result = await sup.stop('test stop');
    expect(result.exitCode).to.equal(0);
    expect(result.terminated).to.deep.equal(['stuck']);
    expect(expired, 'the shutdown timeout ran out before the hung worker was terminated').to.include(800);
    expect(sup.status().map((s) => s.phase)).to.deep.equal(['stopped', 'stopped']);
  });
});
