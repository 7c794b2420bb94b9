import { expect } from 'chai';
import sinon from 'sinon';
import { HealthMonitor, type VerdictChange } from '../../src/health/health-monitor.js';
import type { HealthMonitorOptions } from '../../src/health/health-monitor-options.js';
import type { ThreadStateChange } from '../../src/health/thread-collector.js';
import { HEALTH_REPORT_KEYS, type HealthReport } from '../../src/health/health-report.js';
import { evaluate, tickedHealthMonitor } from '../support/ticked-health-monitor.js';
import { ManualClock } from '../support/manual-clock.js';
import { systemClock } from '../../src/resilience/clock.js';

function monitorAt(clock: ManualClock, options: Omit<HealthMonitorOptions, 'timers'> = {}): HealthMonitor {
  return tickedHealthMonitor({ clock, ...options });
}

describe('HealthMonitor', () => {
  let clock: ManualClock;
  beforeEach(() => {
    clock = new ManualClock();
  });

  describe('API tracking', () => {
    it('4 calls, 3 ok and 1 rate-limited give a 75 % success rate', () => {
      const m = monitorAt(clock);
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 10 });
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 20 });
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 30 });
      m.recordApiCall({ ok: false, rateLimited: true, durationMs: 40 });
      const { api } = m.getReport();
      expect(api.total_calls).to.equal(4);
      expect(api.successful_calls).to.equal(3);
      expect(api.failed_calls).to.equal(1);
      expect(api.rate_limited_calls).to.equal(1);
      expect(api.success_rate).to.equal(75);
      expect(api.calls_per_minute).to.equal(4);
      expect(api.avg_latency_ms).to.equal(25);
    });

    it('reports 100 % before any call, like the original', () => {
      expect(monitorAt(clock).getReport().api.success_rate).to.equal(100);
    });

    it('counts 150 calls in a minute and lets them drop out after 60 s', () => {
      const m = monitorAt(clock);
      for (let i = 0; i < 150; i += 1) {
        m.recordApiCall({ ok: true, rateLimited: false, durationMs: 1 });
        clock.advance(200); // 150 calls over 30 s
      }
      expect(m.getReport().api.calls_per_minute).to.equal(150);
      clock.advance(30_000); // 60 s after the first call
      const mid = m.getReport().api.calls_per_minute;
      expect(mid).to.be.lessThan(150).and.greaterThan(0);
      clock.advance(30_000);
      expect(m.getReport().api.calls_per_minute).to.equal(0);
      expect(m.getReport().api.total_calls).to.equal(150);
    });

    it('breaks calls down by endpoint, bounded by maxEndpoints', () => {
      const m = monitorAt(clock, { maxEndpoints: 2 });
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 4, endpoint: 'ticker' });
      m.recordApiCall({ ok: false, rateLimited: true, durationMs: 6, endpoint: 'ticker' });
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 1, endpoint: 'klines' });
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 1, endpoint: 'order/1' });
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 1, endpoint: 'order/2' });
      const by = m.getReport().api.by_endpoint;
      expect(Object.keys(by)).to.deep.equal(['ticker', 'klines', 'other']);
      expect(by['ticker']).to.deep.equal({ calls: 2, failed: 1, rate_limited: 1, avg_latency_ms: 5 });
      expect(by['other']?.calls).to.equal(2);
    });
  });

  describe('positions', () => {
    it('two opened, a +0.05 win and a -0.02 loss: win rate 50 %, PnL exactly 0.03', () => {
      const m = monitorAt(clock);
      m.recordPositionOpened('XBTUSDTM');
      m.recordPositionOpened('ETHUSDTM');
      expect(m.getReport().positions.open).to.equal(2);
      m.recordPositionClosed({ symbol: 'XBTUSDTM', pnl: 0.05 });
      m.recordPositionClosed({ symbol: 'ETHUSDTM', pnl: -0.02 });
      const p = m.getReport().positions;
      expect(p).to.include({ opened: 2, closed: 2, open: 0, wins: 1, losses: 1, breakeven: 0, win_rate: 50 });
      expect(p.total_pnl).to.equal(0.03);
    });

    it('keeps the PnL sum accurate over many small trades', () => {
      const m = monitorAt(clock);
      for (let i = 0; i < 10_000; i += 1) m.recordPositionClosed({ symbol: 'X', pnl: 0.1 });
      expect(m.getReport().positions.total_pnl).to.equal(1000);
    });

    it('lets the exchange override the open count and ignores a NaN pnl', () => {
      const m = monitorAt(clock);
      m.recordPositionOpened('A');
      m.setOpenPositions(3);
      expect(m.getReport().positions.open).to.equal(3);
      m.recordPositionClosed({ symbol: 'A', pnl: Number.NaN });
      const r = m.getReport();
      expect(r.positions.total_pnl).to.equal(0);
      expect(r.positions.closed).to.equal(1);
      expect(r.recent_errors[0]?.type).to.equal('InvalidMetric');
    });
  });

  describe('performance', () => {
    it('averages scans of 5.2, 4.8 and 6.0 ms to 5.33', () => {
      const m = monitorAt(clock);
      // As the supervisor feeds it: each worker report's counter deltas, error messages apart.
      m.recordScans(1, 5.2);
      m.recordScans(1, 4.8);
      m.recordScans(1, 6.0);
      m.recordScanErrors(1);
      m.recordError({ thread: 'scanner', type: 'Error', message: 'klines timed out' });
      m.recordPositionUpdates(2);
      m.recordPositionUpdateErrors(1);
      m.recordError({ thread: 'position-monitor', type: '500000', message: 'internal' });
      const { performance: perf, recent_errors: errors } = m.getReport();
      expect(perf).to.include({
        scans_completed: 3,
        scan_errors: 1,
        avg_scan_duration_ms: 5.33,
        last_scan_duration_ms: 6,
        max_scan_duration_ms: 6,
        position_updates: 2,
        position_update_errors: 1,
      });
      expect(errors.map((e) => [e.thread, e.type])).to.deep.equal([
        ['position-monitor', '500000'],
        ['scanner', 'Error'],
      ]);
    });

    it('counts batched worker errors without inventing error messages', () => {
      const m = monitorAt(clock);
      m.recordScanErrors(4);
      m.recordPositionUpdateErrors(2);
      m.recordScanErrors(0);
      m.recordScanErrors(Number.NaN);
      const { performance: perf, recent_errors: errors } = m.getReport();
      expect(perf).to.include({ scan_errors: 4, position_update_errors: 2 });
      expect(errors).to.deep.equal([]);
    });
  });

  describe('thread health', () => {
    it('is unhealthy before the first heartbeat, healthy after, unhealthy past the stall timeout', () => {
      const m = monitorAt(clock, { threads: ['scanner'], stallTimeoutMs: 3000 });
      let t = m.getReport().threads['scanner'];
      expect(t).to.include({ healthy: false, state: 'starting', last_heartbeat_age_s: null, restarts: 0 });

      clock.advance(500);
      m.heartbeat('scanner', 1);
      clock.advance(1000);
      t = m.getReport().threads['scanner'];
      expect(t).to.include({ healthy: true, state: 'running', last_heartbeat_age_s: 1, progress: 1 });

      clock.advance(2000); // exactly the timeout: still healthy
      expect(m.getReport().threads['scanner']?.healthy).to.equal(true);
      clock.advance(1);
      t = m.getReport().threads['scanner'];
      expect(t).to.include({ healthy: false, state: 'stalled' });
      expect(t?.reason).to.match(/no heartbeat for 3\.0 s/);
    });

    it('marks a thread whose first heartbeat never comes within the start-up allowance as stalled (a start timeout)', () => {
      const m = monitorAt(clock, { threads: ['executor'], stallTimeoutMs: 3000, startupTimeoutMs: 30_000 });
      clock.advance(3001);
      expect(m.getReport().threads['executor']).to.include({ state: 'starting', healthy: false });
      clock.advance(27_000);
      expect(m.getReport().threads['executor']).to.include({
        state: 'stalled',
        healthy: false,
        reason: 'thread executor start timeout: no heartbeat 30.0 s after start',
      });
    });

    it('calls heartbeats without progress "frozen" after the progress timeout', () => {
      const m = monitorAt(clock, { stallTimeoutMs: 3000, progressTimeoutMs: 10_000 });
      for (let i = 0; i < 12; i += 1) {
        m.heartbeat('scanner', 7); // alive, but the main loop is stuck
        clock.advance(1000);
      }
      const t = m.getReport().threads['scanner'];
      expect(t).to.include({ state: 'frozen', healthy: false, progress: 7 });
      m.heartbeat('scanner', 8);
      expect(m.getReport().threads['scanner']?.state).to.equal('running');
    });

    it('counts restarts, gives the respawned thread a fresh grace, and ignores stopped threads', () => {
      const m = monitorAt(clock, { stallTimeoutMs: 3000 });
      m.heartbeat('executor', 50);
      clock.advance(4000);
      m.recordRestart('executor', 'stalled: no heartbeat for 4.0 s');
      let t = m.getReport().threads['executor'];
      expect(t).to.include({ restarts: 1, state: 'starting', last_restart_reason: 'stalled: no heartbeat for 4.0 s' });
      m.heartbeat('executor', 0); // the new worker counts from zero again
      expect(m.getReport().threads['executor']?.state).to.equal('running');
      expect(m.getReport().recent_errors[0]).to.include({ thread: 'executor', type: 'restart' });
      m.recordThreadStopped('executor');
      clock.advance(60_000);
      t = m.getReport().threads['executor'];
      expect(t?.state).to.equal('stopped');
      expect(evaluate(m).reasons.join()).not.to.match(/executor (stalled|starting)/);
    });
  });

  describe('recent errors', () => {
    it('keeps the newest first, bounded by errorCapacity, with time and thread', () => {
      const m = monitorAt(clock, { errorCapacity: 3 });
      for (let i = 1; i <= 5; i += 1) {
        m.recordError({ thread: i % 2 === 0 ? 'scanner' : 'executor', type: 'ExchangeError', message: `failure ${i}` });
        clock.advance(1000);
      }
      const errors = m.getReport().recent_errors;
      expect(errors.map((e) => e.message)).to.deep.equal(['failure 5', 'failure 4', 'failure 3']);
      expect(errors[0]).to.deep.equal({
        time: new Date(clock.t - 1000).toISOString(),
        thread: 'executor',
        type: 'ExchangeError',
        message: 'failure 5',
      });
    });
  });

  describe('report', () => {
    it('has exactly the original top-level keys and is JSON-serialisable', () => {
      const m = monitorAt(clock, { threads: ['scanner'] });
      m.heartbeat('scanner', 1);
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 3 });
      clock.advance(3_723_000);
      const report = m.getReport();
      expect(Object.keys(report)).to.deep.equal([...HEALTH_REPORT_KEYS]);
      expect(Object.keys(report.api)).to.include.members([
        'total_calls',
        'successful_calls',
        'failed_calls',
        'rate_limited_calls',
        'success_rate',
        'calls_per_minute',
      ]);
      expect(Object.keys(report.positions)).to.include.members([
        'opened',
        'closed',
        'open',
        'wins',
        'losses',
        'win_rate',
        'total_pnl',
      ]);
      expect(Object.keys(report.performance)).to.include.members([
        'scans_completed',
        'scan_errors',
        'avg_scan_duration_ms',
        'position_updates',
        'position_update_errors',
      ]);
      expect(Object.keys(report.threads['scanner'] ?? {})).to.include.members([
        'last_heartbeat_age_s',
        'progress',
        'restarts',
        'healthy',
      ]);
      expect(report.uptime).to.include({ seconds: 3723, formatted: '01h 02m 03s' });
      expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
      expect(structuredClone(report)).to.deep.equal(report);
    });

    it('keeps a bounded equity curve for the dashboard', () => {
      const m = monitorAt(clock, { equityCapacity: 2, equityMinIntervalMs: 1000 });
      for (const eq of [100, 101, 102]) {
        m.setEquity(eq);
        clock.advance(1000);
      }
      expect(m.getEquityCurve().map((p) => p.equity)).to.deep.equal([101, 102]);
      expect(m.getReport().positions.equity).to.equal(102);
    });
  });

  describe('overall health and events', () => {
    it('goes HEALTHY → UNHEALTHY on a stall → HEALTHY on recovery, firing one event per change', () => {
      const m = monitorAt(clock, { stallTimeoutMs: 3000 });
      const verdicts: VerdictChange[] = [];
      const threadChanges: ThreadStateChange[] = [];
      m.onVerdictChange((v) => verdicts.push(v));
      m.onThreadStateChange((c) => threadChanges.push(c));
      m.heartbeat('scanner', 1);
      expect(evaluate(m).status).to.equal('HEALTHY');
      expect(threadChanges.map((c) => c.current)).to.deep.equal(['running']);

      clock.advance(3100);
      const v = evaluate(m);
      expect(v.status).to.equal('UNHEALTHY');
      expect(v.reasons[0]).to.equal('thread scanner stalled: no heartbeat for 3.1 s');
      evaluate(m); // no change, no second event
      expect(verdicts.map((c) => `${c.previous.status}>${c.current.status}`)).to.deep.equal(['HEALTHY>UNHEALTHY']);
      expect(threadChanges[1]).to.include({
        thread: 'scanner',
        previous: 'running',
        current: 'stalled',
        silentForMs: 3100,
      });

      m.heartbeat('scanner', 2);
      expect(evaluate(m).status).to.equal('HEALTHY');
      expect(verdicts.map((c) => c.current.status)).to.deep.equal(['UNHEALTHY', 'HEALTHY']);
    });

    it('judges the API on the recent window: DEGRADED below 90 %, UNHEALTHY below 50 %, recovers as calls age out', () => {
      const m = monitorAt(clock);
      const call = (ok: boolean, n: number): void => {
        for (let i = 0; i < n; i += 1) m.recordApiCall({ ok, rateLimited: false, durationMs: 1 });
      };
      call(true, 8);
      call(false, 2); // 80 %
      let v = evaluate(m);
      expect(v.status).to.equal('DEGRADED');
      expect(v.reasons[0]).to.match(/API success rate 80\.0% over the last 60 s/);
      call(false, 10); // 40 %
      expect(evaluate(m).status).to.equal('UNHEALTHY');
      clock.advance(61_000);
      call(true, 10);
      v = evaluate(m);
      expect(v).to.deep.equal({ status: 'HEALTHY', reasons: [] });
      expect(m.getReport().api.success_rate).to.equal(60); // the lifetime figure still tells the story
    });

    it('is DEGRADED by recent rate limiting, a recent restart or a starting thread, and by external conditions', () => {
      const m = monitorAt(clock, { threads: ['scanner'] });
      expect(evaluate(m).reasons).to.deep.equal(['thread scanner starting: no heartbeat yet']);
      m.heartbeat('scanner', 1);
      m.recordApiCall({ ok: false, rateLimited: true, durationMs: 1 });
      expect(evaluate(m)).to.deep.equal({ status: 'DEGRADED', reasons: ['1 rate-limited call(s) in the last 60 s'] });
      clock.advance(60_000);
      m.heartbeat('scanner', 2);
      expect(evaluate(m).status).to.equal('HEALTHY');

      m.recordRestart('scanner', 'crashed');
      m.heartbeat('scanner', 0);
      expect(evaluate(m).reasons[0]).to.match(/thread scanner restarted 0 s ago \(crashed\)/);
      clock.advance(300_001);
      m.heartbeat('scanner', 1);
      expect(evaluate(m).status).to.equal('HEALTHY');

      m.setCondition('breaker', 'DEGRADED', 'circuit breaker futures OPEN');
      expect(evaluate(m).reasons).to.deep.equal(['circuit breaker futures OPEN']);
      m.setCondition('kill-switch', 'UNHEALTHY', 'daily loss kill switch tripped');
      expect(evaluate(m).status).to.equal('UNHEALTHY');
      m.setCondition('kill-switch', null);
      m.setCondition('breaker', null);
      expect(evaluate(m).status).to.equal('HEALTHY');
    });

    it('onChange fires from the tick only when something changed, and dispose unsubscribes', () => {
      const m = monitorAt(clock);
      const seen: HealthReport[] = [];
      const sub = m.onChange((r) => seen.push(r));
      m.recordScans(1, 1);
      evaluate(m);
      evaluate(m);
      expect(seen).to.have.length(1);
      expect(seen[0]?.performance.scans_completed).to.equal(1);
      m.recordScans(1, 2);
      sub.dispose();
      evaluate(m);
      expect(seen).to.have.length(1);
    });

    it('a throwing listener neither breaks the others nor the tick', () => {
      const errors: unknown[] = [];
      const m = monitorAt(clock, { onListenerError: (e) => errors.push(e) });
      const got: string[] = [];
      m.onVerdictChange(() => {
        throw new Error('bad subscriber');
      });
      m.onVerdictChange((v) => got.push(v.current.status));
      m.setCondition('x', 'DEGRADED');
      expect(() => evaluate(m)).not.to.throw();
      expect(got).to.deep.equal(['DEGRADED']);
      expect(errors).to.have.length(1);
    });

    it('start() evaluates on the (fake) timers and stop() ends the tick', () => {
      const timers = sinon.useFakeTimers({ now: clock.t });
      try {
        const m = new HealthMonitor({ clock: systemClock, stallTimeoutMs: 3000, evaluateIntervalMs: 1000 });
        const statuses: string[] = [];
        m.onVerdictChange((v) => statuses.push(v.current.status));
        m.heartbeat('scanner', 1);
        m.start();
        m.start(); // idempotent
        timers.tick(3000);
        expect(statuses).to.deep.equal([]);
        timers.tick(1000);
        expect(statuses).to.deep.equal(['UNHEALTHY']);
        m.stop();
        m.heartbeat('scanner', 2);
        timers.tick(10_000);
        expect(statuses).to.deep.equal(['UNHEALTHY']);
      } finally {
        timers.restore();
      }
    });
  });

  describe('options', () => {
    it('rejects bad values naming the field', () => {
      expect(() => new HealthMonitor({ stallTimeoutMs: 0 })).to.throw(RangeError, /"stallTimeoutMs"/);
      expect(() => new HealthMonitor({ progressTimeoutMs: -1 })).to.throw(RangeError, /"progressTimeoutMs"/);
      expect(() => new HealthMonitor({ errorCapacity: 2.5 })).to.throw(RangeError, /"errorCapacity"/);
      expect(() => new HealthMonitor({ rateBucketMs: 7000 })).to.throw(RangeError, /"rateBucketMs"/);
      expect(() => new HealthMonitor({ thresholds: { degradedSuccessRate: 120 } })).to.throw(
        RangeError,
        /thresholds\.degradedSuccessRate/,
      );
      expect(() => new HealthMonitor({ thresholds: { unhealthySuccessRate: 95 } })).to.throw(
        RangeError,
        /thresholds\.unhealthySuccessRate/,
      );
      expect(() => new HealthMonitor({ threads: [''] })).to.throw(RangeError, /"threads"/);
      expect(() => new HealthMonitor({ progressTimeoutMs: Number.POSITIVE_INFINITY })).not.to.throw();
    });
  });
});
