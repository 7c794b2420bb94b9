import { expect } from 'chai';
import type { Store } from '../../src/store/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

describe('store: restart and alert history', () => {
  let temp: TempStores;
  let clock: ManualClock;
  let store: Store;
  beforeEach(() => {
    temp = new TempStores();
    clock = new ManualClock(T0);
    store = temp.open({ clock });
  });
  afterEach(() => temp.cleanup());

  it('records restarts with their evidence and counts them per worker in a window', () => {
    store.events.recordRestart({
      worker: 'scanner',
      reason: 'stall: no heartbeat for 3.1 s',
      evidence: { lastHeartbeatMs: 3100, elu: 0.99 },
    });
    clock.advance(1000);
    store.events.recordRestart({ worker: 'order-executor', reason: 'crash', evidence: { exitCode: 1 } });
    clock.advance(1000);
    store.events.recordRestart({ worker: 'scanner', reason: 'progress frozen' });
    expect(store.events.countRestarts('scanner', T0)).to.equal(2);
    expect(store.events.countRestarts('scanner', T0 + 1)).to.equal(1);
    const scanner = store.events.restarts({ worker: 'scanner' });
    expect(scanner.map((r) => r.reason)).to.deep.equal(['progress frozen', 'stall: no heartbeat for 3.1 s']);
    expect(scanner[1]).to.deep.include({ at: T0, evidence: { lastHeartbeatMs: 3100, elu: 0.99 } });
    expect(scanner[0]?.evidence).to.equal(null);
    expect(store.events.restarts({ limit: 1 })[0]?.worker).to.equal('scanner');
  });

  it('refuses evidence that is not JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => store.events.recordRestart({ worker: 'scanner', reason: 'x', evidence: cyclic })).to.throw(
      /evidence must be JSON-serialisable/,
    );
    expect(() => store.events.recordRestart({ worker: 'scanner', reason: 'x', evidence: 1n })).to.throw(/evidence/);
  });

  it('records alerts newest first, filtered by time', () => {
    store.events.recordAlert({
      kind: 'stall',
      subject: 'scanner',
      message: 'THREAD STALL scanner: no heartbeat for 3.1 s',
    });
    clock.advance(500);
    store.events.recordAlert({ kind: 'kill-switch', subject: 'daily-loss', message: 'daily loss limit hit' });
    expect(store.events.alerts().map((a) => a.kind)).to.deep.equal(['kill-switch', 'stall']);
    expect(store.events.alerts({ since: T0 + 1 })).to.deep.equal([
      { id: 2, at: T0 + 500, kind: 'kill-switch', subject: 'daily-loss', message: 'daily loss limit hit' },
    ]);
    expect(() => store.events.recordAlert({ kind: '', subject: 's', message: 'm' })).to.throw(
      /kind must be a non-empty string/,
    );
  });
});
