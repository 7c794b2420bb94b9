// The supervisor-side advisor on a hand-driven clock: runtime samples and timings become
// threads.<name>.runtime and performance.* in the report, the rules raise one suggestion (one
// onRaised) and it clears a full window after the condition went away.
import { expect } from 'chai';
import { HealthMonitor } from '../../src/health/health-monitor.js';
import { formatReport } from '../../src/health/report-format.js';
import { PerformanceAdvisor } from '../../src/perf/performance-advisor.js';
import type { RuntimeSample } from '../../src/protocol/messages.js';
import { clockReading } from '../support/instant-clock.js';

const sample = (over: Partial<RuntimeSample> = {}): RuntimeSample => ({
  at: 0,
  intervalMs: 1000,
  eldP50Ms: 0.2,
  eldP99Ms: 3,
  eldMaxMs: 6,
  elu: 0.1,
  heapUsedMb: 40,
  heapLimitMb: 4096,
  gcMs: 10,
  ...over,
});

describe('PerformanceAdvisor', () => {
  it('decorates the report, raises once and clears after a quiet window', () => {
    let now = 1_000_000;
    const clock = clockReading(() => now);
    const monitor = new HealthMonitor({ clock, threads: ['scanner'] });
    const advisor = new PerformanceAdvisor({
      windowMs: 10_000,
      checkIntervalMs: 60_000,
      liveLoopMs: 50,
      sampleIntervalMs: 1000,
      clock,
    });
    const raised: string[] = [];
    advisor.onRaised((s) => raised.push(`${s.id}/${s.thread}`));

    // Blocked from the first sample, but a thread's samples must cover the window (10 s) first.
    for (let i = 0; i < 6; i++) {
      now += 1000;
      advisor.collector.recordRuntime('scanner', sample({ eldMaxMs: 150, eldP99Ms: 150 }));
      advisor.tick();
    }
    expect(raised).to.deep.equal([]);
    for (let i = 0; i < 5; i++) {
      now += 1000;
      advisor.collector.recordRuntime('scanner', sample({ eldMaxMs: 150, eldP99Ms: 150 }));
      advisor.collector.recordRuntime('indicator-pool', sample());
      advisor.collector.recordTiming('reaction', 20 + i);
      advisor.collector.recordApiCall('scanner', { endpoint: 'klines', durationMs: 100 + i, rateLimited: false });
      advisor.tick();
    }
    expect(raised).to.deep.equal(['event-loop-blocked/scanner']);

    const report = advisor.decorate(monitor.getReport());
    expect(report.threads['scanner']?.runtime).to.deep.equal({
      event_loop_delay_ms: { p50: 0.2, p99: 150, max: 150 },
      elu: 0.1,
      heap_used_mb: 40,
      heap_limit_mb: 4096,
      gc_ms_per_min: 600,
    });
    // A thread without a heartbeat record of its own (the pool) appears with its runtime.
    expect(report.threads['indicator-pool']).to.include({ state: 'running', healthy: true });
    expect(report.performance.reaction_time_ms).to.deep.equal({ count: 5, p50: 22, p99: 24, max: 24 });
    expect(report.performance.api_latency_ms?.['klines']).to.include({ count: 5, p50: 102 });
    expect(report.performance.suggestions?.map((s) => s.id)).to.deep.equal(['event-loop-blocked']);
    expect(formatReport(report)).to.match(/OPTIMISATION SUGGESTIONS:\n\s+\[WARNING\] scanner: event-loop-blocked/);

    // Quiet samples: the last blocked ones (t=10 s, 11 s) leave the window after t=19 s; 10 s later it clears.
    for (let i = 0; i < 17; i++) {
      now += 1000;
      advisor.collector.recordRuntime('scanner', sample());
      advisor.tick();
    }
    expect(advisor.suggestions()).to.have.length(1);
    now += 1000;
    advisor.collector.recordRuntime('scanner', sample());
    expect(advisor.tick()).to.deep.equal([]);
    expect(formatReport(advisor.decorate(monitor.getReport()))).to.match(/OPTIMISATION SUGGESTIONS:\n\s+\(none\)/);
  });

  it('raises nothing at start-up before a thread has been sampled for a full window, then does', () => {
    // The false alarm it guards against: gc-high ("6305 ms of GC pauses per minute ... over 60 s")
    // 6 s after start, a per-minute rate extrapolated from a few start-up samples.
    let now = 5_000_000;
    const clock = clockReading(() => now);
    const advisor = new PerformanceAdvisor({
      windowMs: 60_000,
      checkIntervalMs: 60_000,
      liveLoopMs: 50,
      sampleIntervalMs: 1000,
      clock,
    });
    const raised: string[] = [];
    advisor.onRaised((s) => raised.push(`${s.id}/${s.thread}`));
    const hot = (): RuntimeSample => sample({ gcMs: 200, eldMaxMs: 300, eldP99Ms: 300 });
    for (let i = 0; i < 60; i++) {
      now += 1000;
      advisor.collector.recordRuntime('order-executor', hot());
      expect(advisor.tick(), `${i + 1} s in`).to.deep.equal([]);
    }
    expect(raised).to.deep.equal([]);
    now += 1000;
    advisor.collector.recordRuntime('order-executor', hot());
    advisor.tick();
    expect(raised).to.deep.equal(['event-loop-blocked/order-executor', 'gc-high/order-executor']);
  });
});
