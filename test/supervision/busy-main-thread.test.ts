// Start-up on a busy machine (issue 10, item 1): when the supervisor's own thread is busy (the
// embedded simulator, a report), the workers' heartbeats wait in its queue. The judge must count
// them before calling anyone silent; a timer that fires first would raise a false THREAD STALL.
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { HealthMonitor } from '../../src/health/health-monitor.js';

/** Keeps this thread busy, as a long synchronous step would. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* spin */
  }
}

describe('a busy supervisor thread is not a stalled worker', function () {
  this.timeout(30_000);
  let worker: Worker | undefined;

  afterEach(async () => {
    await worker?.terminate();
    worker = undefined;
  });

  it('health monitor: heartbeats queued while the main thread was busy count before the verdict', async () => {
    const monitor = new HealthMonitor({ stallTimeoutMs: 300, startupTimeoutMs: 5000, evaluateIntervalMs: 50 });
    const states: string[] = [];
    monitor.onThreadStateChange((c) => states.push(c.current));
    // A thread that beats every 50 ms, whatever the main thread is doing.
    worker = new Worker(
      'const { parentPort } = require("node:worker_threads"); setInterval(() => parentPort.postMessage(1), 50);',
      { eval: true },
    );
    let beats = 0;
    worker.on('message', () => monitor.heartbeat('beater', ++beats));
    monitor.start();
    try {
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (beats < 3) return;
          clearInterval(poll);
          resolve();
        }, 10);
      });
      busy(800); // longer than the stall timeout
      const after = beats;
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (beats < after + 10) return;
          clearInterval(poll);
          resolve();
        }, 10);
      });
      expect(states).not.to.include('stalled');
      expect(monitor.getReport().threads['beater']?.state).to.equal('running');
    } finally {
      monitor.stop();
    }
  });
});
