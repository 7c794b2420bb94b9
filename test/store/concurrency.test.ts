import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import type { StoreWorkerData, StoreWorkerMessage } from './fixtures/store-worker.js';
import { ManualClock } from '../support/manual-clock.js';
import { T0, TempStores } from '../support/temp-stores.js';

// Atomics.waitAsync is in ES2024's lib; the project compiles against ES2023, Node 20 has it.
const waitAsync = (
  Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): { value: unknown } }
).waitAsync;

const workerUrl = new URL('./fixtures/store-worker.js', import.meta.url);

function nextMessage(worker: Worker): Promise<StoreWorkerMessage> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      worker.off('message', onMessage);
      reject(e);
    };
    const onMessage = (m: StoreWorkerMessage): void => {
      worker.off('error', onError);
      resolve(m);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

describe('store: two connections in two threads (WAL)', () => {
  let temp: TempStores;
  let worker: Worker | undefined;
  beforeEach(() => {
    temp = new TempStores();
  });
  afterEach(async () => {
    if (worker !== undefined) await worker.terminate();
    worker = undefined;
    temp.cleanup();
  });

  function start(data: StoreWorkerData): Worker {
    worker = new Worker(workerUrl, { workerData: data });
    return worker;
  }

  it('lets the main thread read and write while a worker thread writes', async () => {
    const store = temp.open({ clock: new ManualClock(T0) });
    const count = 150;
    // Slot 0: fills the worker has committed. Slot 1: set by main to let the worker begin.
    const progress = new SharedArrayBuffer(8);
    const done = nextMessage(start({ mode: 'write-fills', file: temp.file, count, t0: T0, progress }));

    const written = new Int32Array(progress);
    let seen = 0;
    let alerts = 0;
    let midWayReads = 0;
    Atomics.store(written, 1, 1);
    Atomics.notify(written, 1);
    const deadline = Date.now() + 30_000;
    while (seen < count && Date.now() < deadline) {
      const committed = Atomics.load(written, 0);
      const visible = store.fills.since(T0, 10_000).length;
      // Readers see a consistent prefix: never less than what was committed before the read began.
      expect(visible).to.be.at.least(committed).and.at.least(seen);
      seen = visible;
      if (visible > 0 && visible < count) midWayReads++;
      store.events.recordAlert({ kind: 'test', subject: 'main', message: `read ${visible}` });
      alerts++;
      // Next read once the worker has committed another fill (it notifies slot 0), not after a sleep.
      if (visible < count) await waitAsync(written, 0, committed, 5_000).value;
    }
    expect((await done).type).to.equal('done');
    expect(midWayReads, 'reads overlapped the writes').to.be.greaterThan(0);
    expect(store.fills.since(T0, 10_000)).to.have.length(count);
    expect(store.fills.lastFillTime()).to.equal(T0 + count - 1);
    expect(store.events.alerts({ limit: 10_000 })).to.have.length(alerts);
  });

  it('records exactly one trade per position when two threads close the same positions at once', async () => {
    const store = temp.open({ clock: new ManualClock(T0) });
    const ids = Array.from(
      { length: 40 },
      (_, i) => store.positions.open({ symbol: `S${i}USDTM`, side: 'long', size: 1, entryPrice: 100 }).id,
    );
    const go = new SharedArrayBuffer(8);
    const w = start({ mode: 'close-race', file: temp.file, positionIds: ids, go });
    expect((await nextMessage(w)).type).to.equal('ready');
    const workerDone = nextMessage(w);

    const barrier = new Int32Array(go);
    const mainCreated = ids.map((positionId, round) => {
      Atomics.store(barrier, 0, round + 1);
      Atomics.notify(barrier, 0);
      // Stagger the start by 0-120 µs so either thread may get there first.
      const until = performance.now() + (round % 4) * 0.04;
      while (performance.now() < until);
      const { created } = store.trades.recordClose({
        positionId,
        exitPrice: 99,
        realisedPnl: -1,
        fees: 0,
        reason: 'stop',
      });
      while (Atomics.load(barrier, 1) <= round) {
        if (Atomics.wait(barrier, 1, round, 10_000) === 'timed-out') throw new Error(`worker stuck in round ${round}`);
      }
      return created;
    });
    const result = await workerDone;
    if (result.type !== 'done') throw new Error('expected done');

    for (const [i, positionId] of ids.entries()) {
      expect(mainCreated[i] !== result.created[i], `position ${positionId}: exactly one closer`).to.equal(true);
      const trade = store.trades.forPosition(positionId);
      expect(trade?.realisedPnl).to.equal(mainCreated[i] ? -1 : 1);
    }
    const workerWins = result.created.filter(Boolean).length;
    expect(store.trades.stats().trades).to.equal(ids.length);
    expect(store.realisedPnlTotal()).to.equal(workerWins - (ids.length - workerWins));
    expect(store.positions.active()).to.deep.equal([]);
  });
});
