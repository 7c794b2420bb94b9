// Each health collector on its own (the monitor only routes to them; health-monitor.test.ts checks
// the report they add up to).
import { expect } from 'chai';
import { AccountScopeCollector } from '../../src/health/account-scope-collector.js';
import { ApiCollector } from '../../src/health/api-collector.js';
import { ConditionSet } from '../../src/health/condition-set.js';
import { PositionsCollector } from '../../src/health/positions-collector.js';
import { ThreadCollector, type ThreadStateChange } from '../../src/health/thread-collector.js';
import { WorkerCountersCollector } from '../../src/health/worker-counters-collector.js';

const T0 = Date.UTC(2025, 0, 1);

describe('health collectors', () => {
  it('ApiCollector: the verdict window holds calls, successes and rate limits of the last window only', () => {
    const api = new ApiCollector({ rateWindowMs: 10_000, rateBucketMs: 1000, maxEndpoints: 1 });
    api.record({ ok: true, rateLimited: false, durationMs: 5, endpoint: 'klines' }, T0);
    api.record({ ok: false, rateLimited: true, durationMs: 5, endpoint: 'ticker' }, T0 + 1000);
    expect(api.recentWindow(T0 + 1000)).to.deep.equal({
      windowSeconds: 10,
      recentCalls: 2,
      recentSuccessful: 1,
      recentRateLimited: 1,
    });
    expect(api.recentWindow(T0 + 30_000)).to.deep.include({ recentCalls: 0 });
    const report = api.report(T0 + 30_000);
    expect(report).to.include({
      total_calls: 2,
      failed_calls: 1,
      rate_limited_calls: 1,
      success_rate: 50,
      calls_per_minute: 0,
    });
    expect(Object.keys(report.by_endpoint)).to.deep.equal(['klines', 'other']);
  });

  it('PositionsCollector: books a finite PnL, refuses a NaN one but counts the close, and takes the exchange open count', () => {
    const p = new PositionsCollector();
    p.recordOpened();
    expect(p.recordClosed({ symbol: 'A', pnl: Number.NaN })).to.equal(false);
    expect(p.recordClosed({ symbol: 'B', pnl: 0 })).to.equal(true);
    expect(p.setOpen(2)).to.equal(true);
    expect(p.setOpen(2)).to.equal(false);
    expect(p.setUnsettled(-1)).to.equal(false);
    expect(p.report(null, { count: 0, symbols: [] })).to.include({
      opened: 1,
      closed: 2,
      open: 2,
      breakeven: 1,
      total_pnl: 0,
    });
  });

  it('WorkerCountersCollector: a batch mean stands for the last and max scan; bad counts record nothing', () => {
    const c = new WorkerCountersCollector();
    expect(c.recordScans(2, 30)).to.equal(true);
    expect(c.recordScans(0, 99)).to.equal(false);
    expect(c.recordScanErrors(1.5)).to.equal(false);
    expect(c.recordPositionUpdates(3)).to.equal(true);
    expect(c.report()).to.include({
      scans_completed: 2,
      last_scan_duration_ms: 15,
      max_scan_duration_ms: 15,
      scan_errors: 0,
      position_updates: 3,
    });
  });

  it('ThreadCollector: evaluate reports each state change once', () => {
    const threads = new ThreadCollector({ stallTimeoutMs: 3000, startupTimeoutMs: 30_000, progressTimeoutMs: 120_000 });
    expect(threads.register('scanner', T0)).to.equal(true);
    expect(threads.register('scanner', T0)).to.equal(false);
    const changes: ThreadStateChange[] = [];
    threads.heartbeat('scanner', 1, T0 + 100);
    threads.evaluate(T0 + 100, (c) => changes.push(c));
    threads.evaluate(T0 + 200, (c) => changes.push(c));
    const verdict = threads.evaluate(T0 + 3200, (c) => changes.push(c));
    expect(changes.map((c) => `${c.previous}>${c.current}`)).to.deep.equal(['starting>running', 'running>stalled']);
    expect(verdict[0]).to.include({
      name: 'scanner',
      state: 'stalled',
      reason: 'thread scanner stalled: no heartbeat for 3.1 s',
    });
    expect(threads.stopped('scanner')).to.equal(true);
    expect(threads.snapshot(T0 + 9000).report['scanner']).to.include({ state: 'stopped', healthy: false });
  });

  it('ConditionSet and AccountScopeCollector: changes are reported, symbols sorted', () => {
    const conditions = new ConditionSet();
    expect(conditions.set('breaker', 'DEGRADED', 'open')).to.equal(true);
    expect(conditions.set('breaker', 'DEGRADED', 'open')).to.equal(false);
    expect(conditions.set('breaker', null, 'open')).to.equal(true);
    expect(conditions.list()).to.deep.equal([]);
    const scope = new AccountScopeCollector();
    scope.record({
      botId: 'b1',
      foreignOrders: 2,
      foreignPositions: [{ symbol: 'Z' }, { symbol: 'A' }],
      contested: [{ symbol: 'Q' }],
    });
    expect(scope.foreignPositions()).to.deep.equal({ count: 2, symbols: ['A', 'Z'] });
    expect(scope.ordersReport()).to.deep.equal({ foreign: 2, client_oid_prefix: 'kb_b1_', contested_symbols: ['Q'] });
  });
});
