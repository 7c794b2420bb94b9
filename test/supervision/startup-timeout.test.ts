// Start-up is not a stall (issue 10, item 1), on a hand-driven clock: a worker that has not sent its
// first heartbeat is `starting` and judged against STARTUP_TIMEOUT, not STALL_TIMEOUT. One that never
// reports in time gets `THREAD START TIMEOUT <worker>` and a restart, and so does each restarted one.
import { expect } from 'chai';
import { AlertDispatcher } from '../../src/alerts/alert-dispatcher.js';
import { connectHealthAlerts } from '../../src/alerts/health-alerts.js';
import { KUCOIN_LIMITS } from '../../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { WorkerSupervisor } from '../../src/supervision/worker-supervisor.js';
import { ManualClock } from '../support/manual-clock.js';
import { evaluate, tickedHealthMonitor } from '../support/ticked-health-monitor.js';
import { clockReading } from '../support/instant-clock.js';
import { waitUntil } from '../support/wait-until.js';
import { FAST, captureLogger, nextEvent } from './harness.js';

const SILENT_WORKER = new URL('../fixtures/silent-worker.js', import.meta.url);
const WORKERS = ['scanner', 'position-monitor', 'order-executor'];

describe('start-up allowance (STARTUP_TIMEOUT)', () => {
  describe('health monitor and its alerts', () => {
    function setup() {
      const clock = new ManualClock();
      const lines: string[] = [];
      const monitor = tickedHealthMonitor({ clock, stallTimeoutMs: 3000, startupTimeoutMs: 30_000, threads: WORKERS });
      const alerts = new AlertDispatcher({ console: (l) => lines.push(l), clock, cooldownMs: 300_000 });
      connectHealthAlerts(monitor, alerts);
      return { clock, lines, monitor };
    }

    it('keeps threads `starting` (DEGRADED, no alert) for the whole allowance, far past STALL_TIMEOUT', () => {
      const { clock, lines, monitor } = setup();
      for (let s = 0; s < 30; s++) {
        expect(evaluate(monitor).status, `at ${s} s`).to.equal('DEGRADED');
        clock.advance(1000);
      }
      expect(evaluate(monitor).status).to.equal('DEGRADED'); // exactly the allowance: still starting
      const report = monitor.getReport();
      for (const w of WORKERS) expect(report.threads[w]).to.include({ state: 'starting', healthy: false });
      expect(report.overall_health.reasons).to.include('thread scanner starting: no heartbeat yet');
      expect(lines).to.deep.equal([]);
      for (const w of WORKERS) monitor.heartbeat(w, 1);
      expect(evaluate(monitor).status).to.equal('HEALTHY');
      expect(lines).to.deep.equal([]);
    });

    it('a thread with no first heartbeat within the allowance is a start timeout; each restart gets a fresh allowance and its own alert', () => {
      const { clock, lines, monitor } = setup();
      monitor.heartbeat('scanner', 1);
      monitor.heartbeat('position-monitor', 1);
      clock.advance(30_001);
      monitor.heartbeat('scanner', 2);
      monitor.heartbeat('position-monitor', 2);
      expect(evaluate(monitor).status).to.equal('UNHEALTHY');
      expect(monitor.getReport().threads['order-executor']).to.include({
        state: 'stalled',
        reason: 'thread order-executor start timeout: no heartbeat 30.0 s after start',
      });
      expect(lines).to.deep.equal([
        'ALERT THREAD START TIMEOUT order-executor: no heartbeat 30.0 s after start',
        'ALERT BOT UNHEALTHY bot: thread order-executor start timeout: no heartbeat 30.0 s after start',
      ]);

      // The supervisor restarts it: starting again, inside a fresh allowance.
      monitor.recordRestart('order-executor', 'stall');
      for (let s = 0; s < 30; s++) {
        monitor.heartbeat('scanner', 3 + s);
        monitor.heartbeat('position-monitor', 3 + s);
        expect(evaluate(monitor).status).to.equal('DEGRADED');
        expect(monitor.getReport().threads['order-executor']?.state).to.equal('starting');
        clock.advance(1000);
      }
      expect(lines).to.have.length(2);
      clock.advance(1);
      monitor.heartbeat('scanner', 40);
      monitor.heartbeat('position-monitor', 40);
      evaluate(monitor);
      expect(lines[2]).to.equal('ALERT THREAD START TIMEOUT order-executor: no heartbeat 30.0 s after start');

      monitor.recordRestart('order-executor', 'stall');
      monitor.heartbeat('order-executor', 0);
      expect(monitor.getReport().threads['order-executor']?.state).to.equal('running');
    });
  });

  describe('supervisor', function () {
    this.timeout(30_000);
    let supervisor: WorkerSupervisor | undefined;

    afterEach(async () => {
      await supervisor?.stop('test over');
      supervisor = undefined;
    });

    it('leaves a silent worker alone until STARTUP_TIMEOUT, then alerts THREAD START TIMEOUT and restarts it, after every restart too', async () => {
      let now = 1_000_000;
      let reads = 0;
      // Real timers (the stall check's interval), hand-moved wall time.
      const clock = clockReading(() => {
        reads++;
        return now;
      });
      const alerts: string[] = [];
      const logger = captureLogger();
      supervisor = new WorkerSupervisor(
        [{ name: 'slowpoke', script: SILENT_WORKER, role: 'standalone' }],
        SharedRateLimiter.create(KUCOIN_LIMITS).buffer,
        {
          ...FAST,
          startTimeoutMs: 30_000,
          maxRestarts: 10,
          logger,
          alert: (line) => alerts.push(line),
          clock,
        },
      );
      const sup = supervisor;
      void sup.start(); // never resolves by itself: the worker never reports in
      // Lets at least `n` stall checks run (each reads the clock once) without a fixed sleep.
      const checks = (n: number): Promise<void> =>
        new Promise((resolve) => {
          const target = reads + n;
          const poll = setInterval(() => {
            if (reads >= target) {
              clearInterval(poll);
              resolve();
            }
          }, 5);
        });

      now += FAST.stallTimeoutMs + 1; // past STALL_TIMEOUT: a start-up, not a stall
      await checks(5);
      now += 30_000 - FAST.stallTimeoutMs - 1; // exactly the allowance
      await checks(5);
      expect(alerts).to.deep.equal([]);
      expect(sup.status()[0]).to.include({ phase: 'starting', generation: 0, restarts: 0 });

      for (let generation = 1; generation <= 2; generation++) {
        const restarted = nextEvent(
          sup.onRestart,
          (r) => r.restartCount === generation,
          10_000,
          `restart ${generation}`,
        );
        now += 1;
        const r = await restarted;
        expect(r.reason).to.equal('stall');
        expect(alerts[generation - 1]).to.equal(
          'THREAD START TIMEOUT slowpoke: no first heartbeat 30.0 s after spawn (STARTUP_TIMEOUT)',
        );
        // The respawned worker starts a fresh allowance.
        await waitUntil(`respawn ${generation}`, () => sup.status()[0]?.generation === generation, {
          timeoutMs: 10_000,
          intervalMs: 5,
        });
        expect(sup.status()[0]?.phase).to.equal('starting');
        now += 30_000; // exactly the fresh allowance
        await checks(5);
        expect(alerts).to.have.length(generation);
      }
    });
  });
});
