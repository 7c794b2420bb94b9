// The one spawn-and-capture harness: any command with arguments, whole lines as they come (the last,
// unterminated one when its stream ends), a missing executable named, and /dev/null as stdin for a
// run to exit.
import { expect } from 'chai';
import { Child, runToExit } from './child-process.js';
import { errorOf } from './error-of.js';

const node = (script: string): { command: string; args: string[] } => ({
  command: process.execPath,
  args: ['-e', script],
});

describe('test/support Child and runToExit', () => {
  afterEach(() => Child.killAll());

  it('delivers whole lines per stream, the unterminated last one when the stream ends', async () => {
    const child = new Child(
      'lines',
      node(
        "process.stdout.write('a\\nb'); setTimeout(() => process.stdout.write('c\\nd'), 5); process.stderr.write('e\\n');",
      ),
      {},
    );
    const lines: string[] = [];
    child.onLine((stream, line) => lines.push(`${stream}:${line}`));
    expect((await child.exited).code).to.equal(0);
    expect(lines.filter((l) => l.startsWith('stdout:'))).to.deep.equal(['stdout:a', 'stdout:bc', 'stdout:d']);
    expect(lines).to.include('stderr:e');
    expect(child.stdout).to.equal('a\nbc\nd');
  });

  it('names an executable that cannot be started', async () => {
    const err = await errorOf(runToExit('ghost', { command: 'no-such-program-c2', args: [] }, {}));
    expect(String(err)).to.match(/ghost: cannot start: .*ENOENT/);
  });

  it('gives a run to exit an empty stdin, so a program that reads it ends', async () => {
    const run = await runToExit(
      'reader',
      node("let n = 0; process.stdin.on('data', (d) => (n += d.length)).on('end', () => console.log('read', n));"),
      {},
    );
    expect(run.code).to.equal(0);
    expect(run.stdout.trim()).to.equal('read 0');
  });
});
