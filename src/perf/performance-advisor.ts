// The supervisor's performance view: the collector's window, the supervisor thread's own sampler,
// the rule set evaluated on a timer, and the tracker that raises and clears suggestions. decorate()
// adds the figures to a health report (threads.<name>.runtime and performance.*), so /health,
// /metrics, the dashboard and the text reports all read one source.
import type {
  HealthReport,
  PercentilesReport,
  SuggestionReport,
  ThreadReport,
  ThreadRuntimeReport,
} from '../health/health-report.js';
import { round } from '../health/health-report.js';
import type { Event } from '../health/event.js';
import type { RuntimeSample } from '../protocol/messages.js';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';
import { PerformanceCollector } from './performance-collector.js';
import { TIMINGS } from './performance-figures.js';
import { RuntimeSampler } from './runtime-sampler.js';
import {
  DEFAULT_RULE_THRESHOLDS,
  evaluateRules,
  gcMsPerMinute,
  type Rule,
  type RuleThresholds,
  RULES,
} from './suggestion-rules.js';
import { SuggestionTracker, type ActiveSuggestion } from './suggestion-tracker.js';
import { summarise, type SampleStats } from './windowed-samples.js';

export interface PerformanceAdvisorOptions {
  /** SUGGESTION_WINDOW in ms. */
  readonly windowMs: number;
  readonly checkIntervalMs: number;
  readonly liveLoopMs: number;
  /** How often the supervisor samples itself and the rules run (HEARTBEAT_INTERVAL). */
  readonly sampleIntervalMs: number;
  readonly thresholds?: Partial<RuleThresholds>;
  readonly rules?: readonly Rule[];
  readonly clock?: Clock;
}

/** The span threads.<name>.runtime covers. */
const RUNTIME_REPORT_MS = 60_000;
/** A thread whose last sample is older than this is left out of the report (it stopped or died). */
const STALE_SAMPLE_MS = 30_000;

export class PerformanceAdvisor {
  readonly collector: PerformanceCollector;
  private readonly tracker: SuggestionTracker;
  private readonly thresholds: RuleThresholds;
  private readonly rules: readonly Rule[];
  private readonly clock: Clock;
  private sampler: RuntimeSampler | undefined;
  private timer: TimerHandle | undefined;
  private active: ActiveSuggestion[] = [];

  /** A suggestion appeared (fires once per episode: the alert). */
  readonly onRaised: Event<ActiveSuggestion>;
  readonly onCleared: Event<ActiveSuggestion>;

  constructor(private readonly options: PerformanceAdvisorOptions) {
    this.clock = options.clock ?? systemClock;
    this.collector = new PerformanceCollector({
      windowMs: options.windowMs,
      checkIntervalMs: options.checkIntervalMs,
      liveLoopMs: options.liveLoopMs,
      clock: this.clock,
      maxSamplesPerThread: Math.max(
        120,
        Math.ceil(Math.max(options.windowMs, RUNTIME_REPORT_MS) / options.sampleIntervalMs) + 10,
      ),
    });
    this.tracker = new SuggestionTracker(options.windowMs);
    this.thresholds = { ...DEFAULT_RULE_THRESHOLDS, ...options.thresholds };
    this.rules = options.rules ?? RULES;
    this.onRaised = this.tracker.onRaised;
    this.onCleared = this.tracker.onCleared;
  }

  /** Starts sampling the calling (supervisor) thread and evaluating the rules. */
  start(): void {
    if (this.timer) return;
    this.sampler = new RuntimeSampler();
    this.timer = this.clock.setInterval(() => this.tick(), this.options.sampleIntervalMs).unref();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.sampler?.close();
    this.sampler = undefined;
  }

  /** One supervisor sample and one rule evaluation (the timer's work; callable by tests). */
  tick(): ActiveSuggestion[] {
    if (this.sampler) this.collector.recordRuntime('supervisor', this.sampler.take());
    this.active = this.tracker.update(
      evaluateRules(this.collector.figures(), this.thresholds, this.rules),
      this.clock.now(),
    );
    return this.active;
  }

  suggestions(): readonly ActiveSuggestion[] {
    return this.active;
  }

  /** The report with the performance figures added. */
  decorate(report: HealthReport): HealthReport {
    const now = this.clock.now();
    const threads: Record<string, ThreadReport> = { ...report.threads };
    for (const [thread, all] of this.collector.latestSamples()) {
      const recent = all.filter((s) => s.at > now - RUNTIME_REPORT_MS);
      const last = recent[recent.length - 1];
      if (!last || now - last.at > STALE_SAMPLE_MS) continue;
      const runtime = runtimeReport(recent);
      const known = threads[thread];
      // The supervisor and the pool have no heartbeat record of their own: the sample is their beat.
      threads[thread] = known
        ? { ...known, runtime }
        : {
            last_heartbeat_age_s: round((now - last.at) / 1000, 1),
            progress: 0,
            progress_age_s: null,
            restarts: 0,
            last_restart_reason: null,
            state: 'running',
            healthy: true,
            reason: null,
            runtime,
          };
    }
    const c = this.collector;
    const figures = c.figures();
    const api: Record<string, PercentilesReport> = {};
    for (const [endpoint, e] of Object.entries(figures.endpoints)) api[endpoint] = pct(e);
    return {
      ...report,
      threads,
      performance: {
        ...report.performance,
        window_s: round(this.options.windowMs / 1000, 1),
        api_latency_ms: api,
        scan_phases_ms: {
          quota_wait: pct(c.timing(TIMINGS.scanQuotaWait)),
          fetch: pct(c.timing(TIMINGS.scanFetch)),
          indicator_compute: pct(c.timing(TIMINGS.scanCompute)),
        },
        order_round_trip_ms: { ack: pct(c.timing(TIMINGS.orderAck)), fill: pct(c.timing(TIMINGS.orderFill)) },
        reaction_time_ms: pct(c.timing(TIMINGS.reaction)),
        suggestions: this.active.map(toReport),
      },
    };
  }
}

/** threads.<name>.runtime from the samples of the last minute. */
export function runtimeReport(samples: readonly RuntimeSample[]): ThreadRuntimeReport {
  const last = samples[samples.length - 1];
  const elu =
    samples.reduce((a, s) => a + s.elu * s.intervalMs, 0) /
    Math.max(
      1,
      samples.reduce((a, s) => a + s.intervalMs, 0),
    );
  return {
    event_loop_delay_ms: {
      p50: round(summarise(samples.map((s) => s.eldP50Ms)).p50, 2),
      p99: round(Math.max(0, ...samples.map((s) => s.eldP99Ms)), 2),
      max: round(Math.max(0, ...samples.map((s) => s.eldMaxMs)), 2),
    },
    elu: round(elu, 3),
    heap_used_mb: round(last?.heapUsedMb ?? 0, 1),
    heap_limit_mb: round(last?.heapLimitMb ?? 0, 1),
    gc_ms_per_min: round(gcMsPerMinute(samples), 1),
  };
}

function pct(s: SampleStats): PercentilesReport {
  return { count: s.count, p50: round(s.p50, 2), p99: round(s.p99, 2), max: round(s.max, 2) };
}

function toReport(s: ActiveSuggestion): SuggestionReport {
  return {
    id: s.id,
    severity: s.severity,
    thread: s.thread,
    evidence: s.evidence,
    advice: s.advice,
    raised_at: new Date(s.raisedAt).toISOString(),
  };
}
