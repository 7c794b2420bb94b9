// The chaos test's child-process reader: `waitFor(re, ms, from)` must look only at what the child
// wrote after `from` was taken, on either stream. The chaos run takes `from` before each CHAOS_HOOK
// signal and reads which worker was hit from the next `chaos: ...` line; re-reading an older line
// (once stdout outgrew it at LOG_LEVEL=debug) made it expect a restart that never came.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Child } from '../support/child-process.js';

// Answers stdin commands: `flood` (much stdout, then END), `mark <word>` (one stderr line).
const SCRIPT = `
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.split(' ');
  if (cmd === 'flood') process.stdout.write('y'.repeat(20000) + '\\nEND\\n');
  if (cmd === 'mark') process.stderr.write('MARK ' + arg + '\\n');
});
`;

describe('chaos child reader', function () {
  this.timeout(20_000);
  let dir = '';

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'child-'));
    writeFileSync(path.join(dir, 'echo.cjs'), SCRIPT);
  });
  after(async () => {
    await Child.killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('waitFor(from) sees only lines written after `from`, even when the other stream grew meanwhile', async () => {
    const child = new Child('echo', path.join(dir, 'echo.cjs'), { cwd: dir });
    child.send('mark old');
    await child.waitFor(/MARK old/, 10_000);
    const from = child.output.length;
    child.send('flood');
    await child.waitFor(/END/, 10_000, from);
    child.send('mark new');
    const m = await child.waitFor(/MARK (\w+)/, 10_000, from);
    expect(m[1]).to.equal('new');
    expect(child.output.indexOf('MARK old')).to.be.below(child.output.indexOf('END'));
  });

  it('kills its process when the signal it was started under aborts, and refuses to start after', async () => {
    const started = new AbortController();
    const child = new Child('echo', path.join(dir, 'echo.cjs'), { cwd: dir }, started.signal);
    started.abort();
    const exit = await child.exited;
    expect(exit.signal).to.equal('SIGKILL');
    expect(() => new Child('echo', path.join(dir, 'echo.cjs'), { cwd: dir }, started.signal)).to.throw(/aborted/);
  });
});
