// `npm run status` and `npm run ctl` on a fresh clone (no dist/): the scripts build what they need
// first, so the operator's first command answers about the bot instead of "Cannot find module".
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/repo-root.js';
import { runToExit } from '../support/child-process.js';

async function npmRun(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = await runToExit(
    `npm run ${args.join(' ')}`,
    { command: 'npm', args: ['run', '--silent', ...args] },
    { cwd, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? cwd, ...env } },
    240_000,
  );
  return { code: run.code ?? -1, stdout: run.stdout, stderr: run.stderr };
}

describe('fresh clone: npm run status / ctl build what they need', function () {
  this.timeout(300_000);
  let dir: string | undefined;

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers "cannot reach the bot" (exit 2) instead of a missing module, without npm run build', async () => {
    const root = repoRoot();
    dir = mkdtempSync(path.join(tmpdir(), 'fresh-clone-'));
    // What a clone holds: the tracked (and new, not ignored) files, and an installed node_modules.
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '');
    for (const f of files) {
      if (!existsSync(path.join(root, f))) continue; // deleted in the work tree
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      cpSync(path.join(root, f), path.join(dir, f));
    }
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    expect(existsSync(path.join(dir, 'dist'))).to.equal(false);

    const env = { DATA_DIR: path.join(dir, 'nowhere'), STATUS_PORT: '1' };
    const ctl = await npmRun(dir, ['ctl', '--', 'status'], env);
    expect(ctl.stderr, ctl.stdout).to.match(/ctl: cannot reach the bot at .*ctl\.sock/);
    expect(ctl.code).to.equal(2);
    const status = await npmRun(dir, ['status'], env);
    expect(status.stderr, status.stdout).to.match(/status: cannot get a health report/);
    expect(status.code).to.equal(2);
  });
});
