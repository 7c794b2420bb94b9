// A worker that keeps crashing exhausts the restart budget: the supervisor process stops
// everything gracefully and exits non-zero (so pm2 takes over).
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { Child } from '../support/child-process.js';
import { waitUntil } from '../support/wait-until.js';

const RUNNER = fileURLToPath(new URL('../fixtures/supervisor-runner.js', import.meta.url));

function runChild(file: string, env: Record<string, string>): Child {
  return new Child('supervisor', file, { env: { ...process.env, ...env } });
}

describe('restart budget escalation (child process)', function () {
  this.timeout(30_000);
  const children: Child[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('exits non-zero after a graceful stop when one worker fails more than MAX_RESTARTS times', async () => {
    const run = runChild(RUNNER, { FIXTURE_MODE: 'throw-after', MAX_RESTARTS: '2' });
    children.push(run);
    const { code } = await run.exited;
    const out = run.output;
    expect(code, out).to.equal(1);
    expect(out.match(/^THREAD CRASH fixture: /gm)?.length, out).to.equal(3);
    expect(out).to.match(/^THREAD ESCALATE fixture: 3 failures within 60 s exceeds MAX_RESTARTS=2; stopping$/m);
    // Graceful: the healthy bystander was asked to shut down and did.
    expect(out).to.contain('info: bystander shut down');
    expect(out).to.match(/supervisor done: .*"exitCode":1/);
  });

  it('exits 0 on SIGINT with every worker stopped', async () => {
    const run = runChild(RUNNER, { FIXTURE_MODE: 'steady' });
    children.push(run);
    await waitUntil('both workers to report in', () => (run.output.match(/reported in/g) ?? []).length >= 2, {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    run.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.output).to.equal(0);
    expect(run.output).to.contain('info: fixture shut down').and.contain('info: bystander shut down');
  });
});
