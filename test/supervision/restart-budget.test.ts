// A worker that keeps crashing exhausts the restart budget: the supervisor process stops
// everything gracefully and exits non-zero (so pm2 takes over).
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('../fixtures/supervisor-runner.js', import.meta.url));

export function runChild(file: string, env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

describe('restart budget escalation (child process)', function () {
  this.timeout(30_000);
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('exits non-zero after a graceful stop when one worker fails more than MAX_RESTARTS times', async () => {
    const run = runChild(RUNNER, { FIXTURE_MODE: 'throw-after', MAX_RESTARTS: '2' });
    children.push(run.child);
    const code = await run.exit;
    const out = run.output();
    expect(code, out).to.equal(1);
    expect(out.match(/^THREAD CRASH fixture: /gm)?.length, out).to.equal(3);
    expect(out).to.match(/^THREAD ESCALATE fixture: 3 failures within 60 s exceeds MAX_RESTARTS=2; stopping$/m);
    // Graceful: the healthy bystander was asked to shut down and did.
    expect(out).to.contain('info: bystander shut down');
    expect(out).to.match(/supervisor done: .*"exitCode":1/);
  });

  it('exits 0 on SIGINT with every worker stopped', async () => {
    const run = runChild(RUNNER, { FIXTURE_MODE: 'steady' });
    children.push(run.child);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if ((run.output().match(/reported in/g) ?? []).length >= 2) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    run.child.kill('SIGINT');
    const code = await run.exit;
    expect(code, run.output()).to.equal(0);
    expect(run.output()).to.contain('info: fixture shut down').and.contain('info: bystander shut down');
  });
});
