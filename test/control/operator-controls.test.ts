// OperatorControls with a real journal (SQLite file) and a fake supervisor: what each command does,
// that every one is journaled with its source, what is announced, and that a pause never waits
// behind a close stuck on the exchange.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OperatorControls, type CommandResult, type ControlTarget } from '../../src/control/operator-controls.js';
import type { WorkerControlCommand } from '../../src/protocol/messages.js';
import { Store } from '../../src/store/index.js';
import { carryOverPause } from '../../supervisor/pause-carry-over.js';

class FakeTarget implements ControlTarget {
  readonly sent: { worker: string; command: WorkerControlCommand }[] = [];
  hold: Promise<void> = Promise.resolve();
  async control(worker: string, command: WorkerControlCommand) {
    this.sent.push({ worker, command });
    await this.hold;
    return { worker, ok: true, detail: `${worker} did ${command.kind}` };
  }
  workersWithRole(role: 'executor' | 'client' | 'standalone'): string[] {
    return { executor: ['order-executor'], client: ['scanner', 'position-monitor'], standalone: [] }[role];
  }
}

describe('OperatorControls', () => {
  let dir: string;
  let store: Store;
  let target: FakeTarget;
  let announced: CommandResult[];
  let controls: OperatorControls;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'controls-'));
    store = Store.open({ dataDir: dir });
    target = new FakeTarget();
    announced = [];
    controls = new OperatorControls({
      target,
      commands: store.commands,
      statusView: () => ({ mode: 'paper', health: 'HEALTHY', reasons: [], openPositions: [] }),
      announce: (r) => announced.push(r),
    });
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("pause and resume flip the journal's entry switch, each journaled with its source and announced", async () => {
    expect(controls.paused).to.equal(false);
    const paused = await controls.execute({ kind: 'pause' }, 'socket');
    expect(paused).to.include({ ok: true, command: 'pause', source: 'socket', paused: true });
    expect(store.commands.paused()).to.equal(true);
    const resumed = await controls.execute({ kind: 'resume' }, 'http');
    expect(resumed).to.include({ ok: true, paused: false, source: 'http' });
    expect(store.commands.recent().map((c) => `${c.command}/${c.source}`)).to.deep.equal([
      'resume/http',
      'pause/socket',
    ]);
    expect(announced.map((a) => a.command)).to.deep.equal(['pause', 'resume']);
    expect(target.sent).to.deep.equal([]);
  });

  it('sends closes to the executor and a breaker reset to every worker', async () => {
    expect(await controls.execute({ kind: 'close', symbol: 'XBTUSDTM' }, 'socket')).to.include({
      ok: true,
      command: 'close XBTUSDTM',
    });
    await controls.execute({ kind: 'close-all' }, 'http');
    const reset = await controls.execute({ kind: 'breaker-reset' }, 'socket');
    expect(target.sent).to.deep.equal([
      { worker: 'order-executor', command: { kind: 'close', symbol: 'XBTUSDTM' } },
      { worker: 'order-executor', command: { kind: 'close-all' } },
      { worker: 'order-executor', command: { kind: 'breaker-reset' } },
      { worker: 'scanner', command: { kind: 'breaker-reset' } },
      { worker: 'position-monitor', command: { kind: 'breaker-reset' } },
    ]);
    expect(reset.detail).to.equal(
      'order-executor did breaker-reset; scanner did breaker-reset; position-monitor did breaker-reset',
    );
    expect(store.commands.recent()[2]).to.include({ command: 'close', target: 'XBTUSDTM', ok: true });
  });

  it('status is journaled but not announced; a pause does not wait behind a stuck close', async () => {
    const status = await controls.execute({ kind: 'status' }, 'socket');
    expect(status.status).to.include({ mode: 'paper', health: 'HEALTHY' });
    expect(announced).to.deep.equal([]);
    let release!: () => void;
    target.hold = new Promise((r) => (release = r));
    const close = controls.execute({ kind: 'close-all' }, 'socket');
    const pause = await controls.execute({ kind: 'pause' }, 'socket');
    expect(pause.paused).to.equal(true);
    release();
    expect((await close).ok).to.equal(true);
  });

  it('carries a pause from the archived journal of the previous paper run into the fresh one', async () => {
    await controls.execute({ kind: 'pause' }, 'socket');
    const fresh = Store.open({ path: path.join(dir, 'fresh.sqlite') });
    try {
      carryOverPause(store.path, fresh, { warn: () => undefined });
      expect(fresh.commands.paused()).to.equal(true);
      expect(fresh.commands.recent()[0]).to.include({ source: 'restart', command: 'pause' });
    } finally {
      fresh.close();
    }
  });
});
