import { expect } from 'chai';
import { RestartPolicy } from '../../src/supervision/restart-policy.js';
import { describeStall, detectStall } from '../../src/supervision/stall-detector.js';
import { resolveSupervisorOptions } from '../../src/supervision/supervisor-options.js';
import { nextLifecycle, type WorkerLifecycle } from '../../src/supervision/worker-lifecycle.js';

describe('restart policy', () => {
  it('restarts at once, then backs off from 100 ms doubling to 10 s, and gives up past the budget', () => {
    const p = new RestartPolicy({ maxRestarts: 9, windowMs: 600_000, initialDelayMs: 100, maxDelayMs: 10_000 });
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const d = p.next(i * 1000);
      expect(d.verdict).to.equal('restart');
      if (d.verdict === 'restart') delays.push(d.delayMs);
    }
    expect(delays).to.deep.equal([0, 100, 200, 400, 800, 1600, 3200, 6400, 10_000]);
    expect(p.next(9000)).to.deep.equal({ verdict: 'give-up', inWindow: 10 });
  });

  it('forgets restarts older than the window (budget and backoff both reset)', () => {
    const p = new RestartPolicy({ maxRestarts: 2, windowMs: 60_000, initialDelayMs: 100, maxDelayMs: 10_000 });
    expect(p.next(0)).to.deep.equal({ verdict: 'restart', delayMs: 0, inWindow: 1 });
    expect(p.next(1000)).to.deep.equal({ verdict: 'restart', delayMs: 100, inWindow: 2 });
    expect(p.next(2000).verdict).to.equal('give-up');
    expect(p.next(61_500)).to.deep.equal({ verdict: 'restart', delayMs: 0, inWindow: 1 });
  });
});

describe('stall detector', () => {
  const t = { stallTimeoutMs: 3000, progressTimeoutMs: 30_000, startTimeoutMs: 15_000 };
  it('flags silence, frozen progress and a worker that never started', () => {
    const base = { now: 10_000, lastHeartbeatAt: 9_000, hasHeartbeat: true, lastProgressAt: 9_000, progress: 5 };
    expect(detectStall(base, t)).to.equal(undefined);
    const silent = detectStall({ ...base, lastHeartbeatAt: 6_900 }, t);
    expect(silent).to.deep.equal({ kind: 'no-heartbeat', silentMs: 3100 });
    expect(describeStall(silent!)).to.equal('no heartbeat for 3.1 s');
    expect(detectStall({ ...base, now: 50_000, lastHeartbeatAt: 49_500, lastProgressAt: 19_000 }, t)?.kind).to.equal(
      'no-progress',
    );
    expect(detectStall({ ...base, hasHeartbeat: false, lastHeartbeatAt: 0 }, t)).to.equal(undefined);
    expect(detectStall({ ...base, now: 16_000, hasHeartbeat: false, lastHeartbeatAt: 0 }, t)?.kind).to.equal(
      'no-start',
    );
  });
});

describe('worker lifecycle', () => {
  it('moves starting → running → stalled → restarting → starting (next generation) → stopping → stopped', () => {
    let s: WorkerLifecycle = { phase: 'starting', since: 0, generation: 0 };
    s = nextLifecycle(s, { type: 'ready' }, 1);
    expect(s.phase).to.equal('running');
    s = nextLifecycle(s, { type: 'stalled', verdict: { kind: 'no-heartbeat', silentMs: 3100 } }, 2);
    expect(s.phase).to.equal('stalled');
    expect(nextLifecycle(s, { type: 'ready' }, 3)).to.equal(s); // ignored in this phase
    s = nextLifecycle(s, { type: 'restart-scheduled', delayMs: 0 }, 3);
    s = nextLifecycle(s, { type: 'spawned' }, 4);
    expect(s).to.deep.equal({ phase: 'starting', since: 4, generation: 1 });
    s = nextLifecycle(s, { type: 'stop-requested' }, 5);
    s = nextLifecycle(s, { type: 'exited', exitCode: 0 }, 6);
    expect(s).to.deep.equal({ phase: 'stopped', since: 6, generation: 1, exitCode: 0 });
  });

  it('treats an unexpected exit of a live worker as a crash', () => {
    const s = nextLifecycle({ phase: 'running', since: 0, generation: 2 }, { type: 'exited', exitCode: 1 }, 1);
    expect(s).to.include({ phase: 'crashed', reason: 'exited with code 1' });
  });
});

describe('supervisor options', () => {
  it('fills the documented defaults', () => {
    const o = resolveSupervisorOptions();
    expect(o).to.include({
      heartbeatIntervalMs: 1000,
      stallTimeoutMs: 3000,
      maxRestarts: 5,
      restartWindowMs: 60_000,
      shutdownTimeoutMs: 10_000,
    });
  });
  it('names the offending field', () => {
    expect(() => resolveSupervisorOptions({ heartbeatIntervalMs: 0 })).to.throw(/heartbeatIntervalMs/);
    expect(() => resolveSupervisorOptions({ maxRestarts: -1 })).to.throw(/maxRestarts/);
    expect(() => resolveSupervisorOptions({ stallTimeoutMs: 500, heartbeatIntervalMs: 1000 })).to.throw(
      /stallTimeoutMs/,
    );
    expect(() => resolveSupervisorOptions({ progressTimeoutMs: Number.NaN })).to.throw(/progressTimeoutMs/);
    expect(() => resolveSupervisorOptions({ backoffInitialMs: 500, backoffMaxMs: 100 })).to.throw(/backoffMaxMs/);
    expect(() => resolveSupervisorOptions({ checkIntervalMs: -5 })).to.throw(/checkIntervalMs/);
  });
});
