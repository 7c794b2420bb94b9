// Each optimisation rule alone, on hand-built figures: quiet figures raise nothing, the figures the
// rule is about raise exactly its suggestion, naming the thread and the setting or component.
import { expect } from 'chai';
import type { RuntimeSample } from '../../src/protocol/messages.js';
import type { PerformanceFigures } from '../../src/perf/performance-figures.js';
import {
  DEFAULT_RULE_THRESHOLDS as T,
  RULES,
  endpointLatencyHigh,
  evaluateRules,
  eventLoopBlocked,
  frequentReconnects,
  frequentRestarts,
  gcHigh,
  gcMsPerMinute,
  heapPressure,
  indicatorPool,
  quotaSaturated,
  reactionSlow,
  scanTooSlow,
} from '../../src/perf/suggestion-rules.js';

const sample = (over: Partial<RuntimeSample> = {}): RuntimeSample => ({
  at: 0,
  intervalMs: 1000,
  eldP50Ms: 0.2,
  eldP99Ms: 2,
  eldMaxMs: 5,
  elu: 0.05,
  heapUsedMb: 30,
  heapLimitMb: 4096,
  gcMs: 5,
  ...over,
});
const samples = (n: number, over: (i: number) => Partial<RuntimeSample> = () => ({})): RuntimeSample[] =>
  Array.from({ length: n }, (_, i) => sample({ at: i * 1000, ...over(i) }));
const none = { count: 0, p50: 0, p99: 0, max: 0 };

function figures(over: Partial<PerformanceFigures> = {}): PerformanceFigures {
  return {
    now: 60_000,
    windowMs: 60_000,
    threads: {
      scanner: { samples: samples(60), sinceMs: 600_000 },
      supervisor: { samples: samples(60), sinceMs: 600_000 },
    },
    endpoints: { klines: { count: 100, p50: 40, p99: 120, max: 150, thread: 'scanner' } },
    timings: {},
    scans: { count: 5, p50: 2000, p99: 3000, max: 3000 },
    checkIntervalMs: 60_000,
    liveLoopMs: 50,
    rateLimited: {},
    restarts: {},
    streamReconnects: {},
    pool: { threads: 1, cores: 2, queueWaitP99Ms: 3 },
    ...over,
  };
}

describe('optimisation rules', () => {
  it('raise nothing on a quiet window', () => {
    expect(evaluateRules(figures())).to.deep.equal([]);
    expect(RULES).to.have.length(10);
  });

  describe('event-loop-blocked (Clinic thresholds)', () => {
    it('fires on a median delay of 10 ms', () => {
      const f = figures({ threads: { scanner: { samples: samples(10, () => ({ eldP50Ms: 12 })), sinceMs: 1e6 } } });
      const [s] = eventLoopBlocked(f, T);
      expect(s).to.include({ id: 'event-loop-blocked', thread: 'scanner', severity: 'warning' });
      expect(s?.evidence).to.match(/median 12 ms/);
      expect(s?.advice)
        .to.match(/indicator-pool\.ts/)
        .and.match(/npm run profile -- --thread scanner/);
    });

    it('fires on max >= 100 ms in two intervals, not on a single hiccup', () => {
      const once = figures({
        threads: { scanner: { samples: samples(10, (i) => ({ eldMaxMs: i === 3 ? 150 : 5 })), sinceMs: 1e6 } },
      });
      expect(eventLoopBlocked(once, T)).to.deep.equal([]);
      const twice = figures({
        threads: { scanner: { samples: samples(10, (i) => ({ eldMaxMs: i % 5 === 0 ? 150 : 5 })), sinceMs: 1e6 } },
      });
      expect(eventLoopBlocked(twice, T)[0]?.evidence).to.match(/max 150 ms, 2 intervals at or above 100 ms/);
    });

    it('is critical at a second of delay and ignores the pool (blocking is its job)', () => {
      const f = figures({
        threads: {
          supervisor: { samples: samples(4, () => ({ eldMaxMs: 1200 })), sinceMs: 1e6 },
          'indicator-pool': { samples: samples(4, () => ({ eldMaxMs: 900, eldP50Ms: 50 })), sinceMs: 1e6 },
        },
      });
      const found = eventLoopBlocked(f, T);
      expect(found.map((s) => [s.thread, s.severity])).to.deep.equal([['supervisor', 'critical']]);
    });
  });

  it('scan-too-slow fires above half of CHECK_INTERVAL and names it', () => {
    expect(scanTooSlow(figures({ scans: { count: 3, p50: 29_000, p99: 29_000, max: 29_000 } }), T)).to.deep.equal([]);
    const [s] = scanTooSlow(
      figures({
        scans: { count: 3, p50: 31_000, p99: 31_000, max: 31_000 },
        timings: { scanQuotaWait: { count: 9, p50: 1, p99: 900, max: 900 } },
      }),
      T,
    );
    expect(s).to.include({ id: 'scan-too-slow', thread: 'scanner', severity: 'warning' });
    expect(s?.evidence).to.match(/quota wait 900 ms/);
    expect(s?.advice)
      .to.match(/CHECK_INTERVAL/)
      .and.match(/MIN_TURNOVER/);
  });

  it('quota-saturated fires on 429s (critical) or a long token wait', () => {
    const [r] = quotaSaturated(figures({ rateLimited: { 'position-monitor': 2 } }), T);
    expect(r).to.include({ id: 'quota-saturated', thread: 'position-monitor', severity: 'critical' });
    expect(r?.evidence).to.match(/2 call\(s\) refused/);
    const [w] = quotaSaturated(
      figures({ timings: { scanQuotaWait: { count: 50, p50: 10, p99: 1500, max: 2000 } } }),
      T,
    );
    expect(w).to.include({ thread: 'scanner', severity: 'warning' });
    expect(
      quotaSaturated(figures({ timings: { scanQuotaWait: { count: 50, p50: 0, p99: 20, max: 30 } } }), T),
    ).to.deep.equal([]);
  });

  it('endpoint-latency-high needs enough calls and names the endpoint', () => {
    const slow = { count: 30, p50: 300, p99: 1800, max: 2000, thread: 'scanner' };
    const [s] = endpointLatencyHigh(figures({ endpoints: { klines: slow } }), T);
    expect(s).to.include({ id: 'endpoint-latency-high:klines', thread: 'scanner' });
    expect(s?.evidence).to.match(/klines p99 1800 ms/);
    expect(endpointLatencyHigh(figures({ endpoints: { klines: { ...slow, count: 5 } } }), T)).to.deep.equal([]);
  });

  describe('heap', () => {
    const growing = samples(30, (i) => ({ heapUsedMb: 40 + i * 2 + (i % 3) * 5 }));

    it('heap-growing fires on a steadily rising floor after the warm-up', () => {
      const [s] = heapPressure(figures({ threads: { 'position-monitor': { samples: growing, sinceMs: 600_000 } } }), T);
      expect(s).to.include({ id: 'heap-growing', thread: 'position-monitor', severity: 'warning' });
      expect(s?.advice).to.match(/--thread position-monitor --heap/);
      expect(
        heapPressure(figures({ threads: { 'position-monitor': { samples: growing, sinceMs: 30_000 } } }), T),
      ).to.deep.equal([]);
    });

    it('does not fire on a sawtooth (GC returns to the same floor)', () => {
      const saw = samples(30, (i) => ({ heapUsedMb: 40 + (i % 5) * 10 }));
      expect(heapPressure(figures({ threads: { scanner: { samples: saw, sinceMs: 1e6 } } }), T)).to.deep.equal([]);
    });

    it('heap-near-limit is critical at 85 % of the limit', () => {
      const near = samples(5, () => ({ heapUsedMb: 900, heapLimitMb: 1000 }));
      expect(heapPressure(figures({ threads: { scanner: { samples: near, sinceMs: 1e6 } } }), T)[0]).to.include({
        id: 'heap-near-limit',
        severity: 'critical',
      });
    });
  });

  it('gc-high fires at 10 % of the time in GC', () => {
    expect(gcMsPerMinute(samples(10, () => ({ gcMs: 100 })))).to.equal(6000);
    const [s] = gcHigh(
      figures({ threads: { 'order-executor': { samples: samples(10, () => ({ gcMs: 120 })), sinceMs: 1e6 } } }),
      T,
    );
    expect(s).to.include({ id: 'gc-high', thread: 'order-executor' });
    expect(gcHigh(figures(), T)).to.deep.equal([]);
  });

  it('event-loop-blocked and gc-high judge a thread only once its samples cover the window', () => {
    const hot = samples(6, () => ({ gcMs: 700, eldMaxMs: 400 }));
    const young = figures({ threads: { 'order-executor': { samples: hot, sinceMs: 5_999 } }, windowMs: 6_000 });
    expect(eventLoopBlocked(young, T)).to.deep.equal([]);
    expect(gcHigh(young, T)).to.deep.equal([]);
    const covered = figures({ threads: { 'order-executor': { samples: hot, sinceMs: 6_000 } }, windowMs: 6_000 });
    expect(eventLoopBlocked(covered, T).map((x) => x.id)).to.deep.equal(['event-loop-blocked']);
    expect(gcHigh(covered, T).map((x) => x.id)).to.deep.equal(['gc-high']);
  });

  it('scan-too-slow judges the scans only once the scanner has run for a full window', () => {
    const slow = { scans: { count: 3, p50: 40_000, p99: 45_000, max: 45_000 } };
    expect(
      scanTooSlow(figures({ ...slow, threads: { scanner: { samples: samples(30), sinceMs: 30_000 } } }), T),
    ).to.deep.equal([]);
    expect(scanTooSlow(figures({ ...slow, threads: {} }), T)).to.deep.equal([]);
    expect(
      scanTooSlow(figures({ ...slow, threads: { scanner: { samples: samples(60), sinceMs: 60_000 } } }), T).map(
        (x) => x.id,
      ),
    ).to.deep.equal(['scan-too-slow']);
  });

  it('indicator pool: useless on too few cores, too small when tasks queue', () => {
    expect(indicatorPool(figures({ pool: { threads: 3, cores: 2, queueWaitP99Ms: 0 } }), T)[0]).to.include({
      id: 'indicator-pool-useless',
      thread: 'indicator-pool',
    });
    const [small] = indicatorPool(figures({ pool: { threads: 3, cores: 8, queueWaitP99Ms: 400 } }), T);
    expect(small).to.include({ id: 'indicator-pool-too-small' });
    expect(small?.advice).to.match(/indicator-pool\.ts/);
    expect(indicatorPool(figures({ pool: null }), T)).to.deep.equal([]);
    // One pool thread beside the scanner on 2 cores fills the machine: queueing there is no advice.
    expect(indicatorPool(figures({ pool: { threads: 1, cores: 2, queueWaitP99Ms: 900 } }), T)).to.deep.equal([]);
  });

  it('frequent-restarts and frequent-stream-reconnects count within the window', () => {
    expect(frequentRestarts(figures({ restarts: { scanner: 1 } }), T)).to.deep.equal([]);
    expect(frequentRestarts(figures({ restarts: { scanner: 2 } }), T)[0]).to.include({
      id: 'frequent-restarts',
      thread: 'scanner',
      severity: 'critical',
    });
    expect(frequentReconnects(figures({ streamReconnects: { 'position-monitor': 3 } }), T)[0]).to.include({
      id: 'frequent-stream-reconnects',
    });
    expect(frequentReconnects(figures({ streamReconnects: { 'position-monitor': 2 } }), T)).to.deep.equal([]);
  });

  it('reaction-slow names LIVE_LOOP_INTERVAL', () => {
    const [s] = reactionSlow(figures({ timings: { reaction: { count: 4, p50: 100, p99: 400, max: 400 } } }), T);
    expect(s).to.include({ id: 'reaction-slow', thread: 'position-monitor' });
    expect(s?.advice).to.match(/LIVE_LOOP_INTERVAL \(now 0.05 s\)/);
    expect(reactionSlow(figures({ timings: { reaction: { count: 4, p50: 60, p99: 90, max: 90 } } }), T)).to.deep.equal(
      [],
    );
  });

  it('does not fire on empty figures', () => {
    expect(evaluateRules(figures({ threads: {}, endpoints: {}, scans: none, pool: null }))).to.deep.equal([]);
  });
});
