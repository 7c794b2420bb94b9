import { expect } from 'chai';
import { type VerdictInput, type VerdictThread, judgeOverallHealth } from '../../src/health/health-verdict.js';

const quiet: VerdictInput = {
  threads: [],
  windowSeconds: 60,
  recentCalls: 0,
  recentSuccessful: 0,
  recentRateLimited: 0,
  conditions: [],
};
const thread = (over: Partial<VerdictThread>): VerdictThread => ({
  name: 'scanner',
  state: 'running',
  reason: null,
  lastRestartAgeMs: Number.NaN,
  restarts: 0,
  lastRestartReason: null,
  ...over,
});

describe('judgeOverallHealth', () => {
  it('is HEALTHY with no data', () => {
    expect(judgeOverallHealth(quiet)).to.deep.equal({ status: 'HEALTHY', reasons: [] });
  });

  it('does not judge the success rate on too few calls', () => {
    expect(judgeOverallHealth({ ...quiet, recentCalls: 9, recentSuccessful: 0 }).status).to.equal('HEALTHY');
    expect(judgeOverallHealth({ ...quiet, recentCalls: 10, recentSuccessful: 0 }).status).to.equal('UNHEALTHY');
  });

  it('puts the worst reasons first', () => {
    const v = judgeOverallHealth({
      ...quiet,
      threads: [
        thread({ name: 'a', state: 'starting', reason: 'a starting' }),
        thread({ name: 'b', state: 'frozen', reason: 'b frozen' }),
      ],
    });
    expect(v).to.deep.equal({ status: 'UNHEALTHY', reasons: ['b frozen', 'a starting'] });
  });

  it('ignores stopped threads, even recently restarted ones', () => {
    const v = judgeOverallHealth({
      ...quiet,
      threads: [thread({ state: 'stopped', lastRestartAgeMs: 10, restarts: 1 })],
    });
    expect(v.status).to.equal('HEALTHY');
  });

  it('treats exactly the threshold as passing', () => {
    expect(judgeOverallHealth({ ...quiet, recentCalls: 10, recentSuccessful: 9 }).status).to.equal('HEALTHY');
    expect(judgeOverallHealth({ ...quiet, recentCalls: 10, recentSuccessful: 5 }).status).to.equal('DEGRADED');
  });
});
