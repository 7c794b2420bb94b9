// Prometheus metrics on a private prom-client Registry (never the global one, so several servers and
// tests never collide). Counters and gauges mirror the health report, read lazily at scrape time;
// histograms are fed by the MetricsRecorder hook because the report only has averages.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { type HealthReport, round } from '../health/health-report.js';
import { type ApiCallSample, type MetricsRecorder, apiCallOutcome } from './metrics-recorder.js';
import { isReportHealthy } from './status-source.js';
import { ClusterMetrics } from './cluster-metrics.js';

export interface StatusMetricsOptions {
  /** Prefix of every metric name (default "kucoin_bot_"). */
  prefix?: string;
  /** Also export prom-client's process metrics (CPU, memory, event loop); default false. */
  defaultMetrics?: boolean;
  /** Distinct endpoint label values kept; later ones are folded into "other" (default 64). */
  maxEndpoints?: number;
  /** Latency buckets in seconds. */
  apiLatencyBuckets?: readonly number[];
  /** Scan duration buckets in seconds. */
  scanDurationBuckets?: readonly number[];
}

export const STATUS_METRICS_DEFAULTS = {
  prefix: 'kucoin_bot_',
  defaultMetrics: false,
  maxEndpoints: 64,
  apiLatencyBuckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  scanDurationBuckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
} as const;

const PREFIX_PATTERN = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export class StatusMetrics implements MetricsRecorder {
  readonly registry = new Registry();
  private readonly maxEndpoints: number;
  private readonly endpoints = new Set<string>();

  private readonly apiCalls: Counter<'outcome'>;
  private readonly positionsOpened: Counter;
  private readonly positionsClosed: Counter;
  private readonly scans: Counter;
  private readonly scanErrors: Counter;
  private readonly positionUpdates: Counter;
  private readonly positionUpdateErrors: Counter;
  private readonly threadRestartsTotal: Counter<'thread'>;
  private readonly alertDeliveryFailures: Counter;

  private readonly openPositions: Gauge;
  private readonly cluster: ClusterMetrics;
  private readonly equity: Gauge<'currency'>;
  private readonly totalPnl: Gauge;
  private readonly winRate: Gauge;
  private readonly apiSuccessRate: Gauge;
  private readonly apiCallsPerMinute: Gauge;
  private readonly uptime: Gauge;
  private readonly healthy: Gauge;
  private readonly healthStatus: Gauge<'status'>;
  private readonly threadHeartbeatAge: Gauge<'thread'>;
  private readonly threadRestarts: Gauge<'thread'>;
  private readonly threadHealthy: Gauge<'thread'>;

  private readonly apiLatency: Histogram<'endpoint' | 'outcome'>;
  private readonly scanDuration: Histogram;

  // Per-thread runtime figures and the optimisation suggestions (src/perf/), mirrored at scrape time.
  private readonly threadEventLoopDelay: Gauge<'thread' | 'quantile'>;
  private readonly threadElu: Gauge<'thread'>;
  private readonly threadHeapUsed: Gauge<'thread'>;
  private readonly threadHeapLimit: Gauge<'thread'>;
  private readonly threadGcPerMinute: Gauge<'thread'>;
  private readonly suggestionActive: Gauge<'id' | 'thread'>;
  private readonly timings: Histogram<'name'>;
  private readonly timingNames = new Set<string>();

  constructor(options: StatusMetricsOptions = {}) {
    const prefix = options.prefix ?? STATUS_METRICS_DEFAULTS.prefix;
    if (prefix !== '' && !PREFIX_PATTERN.test(prefix)) {
      throw new RangeError(
        `StatusMetrics: option "prefix" must match ${PREFIX_PATTERN}, got ${JSON.stringify(prefix)}`,
      );
    }
    const maxEndpoints = options.maxEndpoints ?? STATUS_METRICS_DEFAULTS.maxEndpoints;
    if (!(Number.isInteger(maxEndpoints) && maxEndpoints > 0)) {
      throw new RangeError(`StatusMetrics: option "maxEndpoints" must be an integer > 0, got ${maxEndpoints}`);
    }
    this.maxEndpoints = maxEndpoints;
    const registers = [this.registry];
    const n = (name: string): string => `${prefix}${name}`;

    this.apiCalls = new Counter({
      name: n('api_calls_total'),
      help: 'Exchange API calls by outcome (ok, failed other than rate limit, rate_limited)',
      labelNames: ['outcome'],
      registers,
    });
    this.positionsOpened = new Counter({ name: n('positions_opened_total'), help: 'Positions opened', registers });
    this.positionsClosed = new Counter({ name: n('positions_closed_total'), help: 'Positions closed', registers });
    this.scans = new Counter({ name: n('scans_total'), help: 'Market scans completed', registers });
    this.scanErrors = new Counter({ name: n('scan_errors_total'), help: 'Market scans that failed', registers });
    this.positionUpdates = new Counter({
      name: n('position_updates_total'),
      help: 'Position refreshes from the exchange',
      registers,
    });
    this.positionUpdateErrors = new Counter({
      name: n('position_update_errors_total'),
      help: 'Position refreshes that failed',
      registers,
    });
    this.threadRestartsTotal = new Counter({
      name: n('thread_restarts_total'),
      help: 'Worker thread restarts by thread',
      labelNames: ['thread'],
      registers,
    });

    this.alertDeliveryFailures = new Counter({
      name: n('alert_delivery_failures_total'),
      help: 'Alerts the webhook did not accept after every retry (or refused, e.g. a redirect)',
      registers,
    });
    this.openPositions = new Gauge({ name: n('open_positions'), help: 'Positions open now', registers });
    this.cluster = new ClusterMetrics(n, registers);
    // Labelled on purpose: prom-client always prints an unlabelled gauge (0 after reset), and an
    // equity of 0 before the first reading would read as a wiped account.
    this.equity = new Gauge({
      name: n('equity'),
      help: 'Latest account equity (absent before the first reading)',
      labelNames: ['currency'],
      registers,
    });
    this.totalPnl = new Gauge({ name: n('realised_pnl_usdt'), help: 'Realised PnL since start in USDT', registers });
    this.winRate = new Gauge({ name: n('win_ratio'), help: 'Wins / (wins + losses), 0..1', registers });
    this.apiSuccessRate = new Gauge({
      name: n('api_success_ratio'),
      help: 'Successful API calls / all calls since start, 0..1',
      registers,
    });
    this.apiCallsPerMinute = new Gauge({
      name: n('api_calls_last_minute'),
      help: 'API calls in the last 60 s',
      registers,
    });
    this.uptime = new Gauge({ name: n('uptime_seconds'), help: 'Seconds since the health monitor started', registers });
    this.healthy = new Gauge({ name: n('healthy'), help: '1 unless the overall verdict is UNHEALTHY', registers });
    this.healthStatus = new Gauge({
      name: n('health_status'),
      help: 'Overall verdict: 1 on the current status label, 0 on the others',
      labelNames: ['status'],
      registers,
    });
    this.threadHeartbeatAge = new Gauge({
      name: n('thread_heartbeat_age_seconds'),
      help: 'Seconds since the thread last sent a heartbeat (absent before the first)',
      labelNames: ['thread'],
      registers,
    });
    this.threadRestarts = new Gauge({
      name: n('thread_restarts'),
      help: 'Restarts of the thread so far',
      labelNames: ['thread'],
      registers,
    });
    this.threadHealthy = new Gauge({
      name: n('thread_healthy'),
      help: '1 when the thread is running, else 0',
      labelNames: ['thread'],
      registers,
    });

    this.apiLatency = new Histogram({
      name: n('api_latency_seconds'),
      help: 'Exchange API call duration',
      labelNames: ['endpoint', 'outcome'],
      buckets: [...(options.apiLatencyBuckets ?? STATUS_METRICS_DEFAULTS.apiLatencyBuckets)],
      registers,
    });
    this.scanDuration = new Histogram({
      name: n('scan_duration_seconds'),
      help: 'Completed market scan duration',
      buckets: [...(options.scanDurationBuckets ?? STATUS_METRICS_DEFAULTS.scanDurationBuckets)],
      registers,
    });

    this.threadEventLoopDelay = new Gauge({
      name: n('thread_event_loop_delay_seconds'),
      help: 'Event-loop delay of the thread over the last minute (quantile 0.5, 0.99, 1 = max)',
      labelNames: ['thread', 'quantile'],
      registers,
    });
    this.threadElu = new Gauge({
      name: n('thread_event_loop_utilization'),
      help: 'Event-loop utilisation of the thread, 0..1',
      labelNames: ['thread'],
      registers,
    });
    this.threadHeapUsed = new Gauge({
      name: n('thread_heap_used_bytes'),
      help: 'V8 heap used by the thread',
      labelNames: ['thread'],
      registers,
    });
    this.threadHeapLimit = new Gauge({
      name: n('thread_heap_limit_bytes'),
      help: 'V8 heap size limit of the thread',
      labelNames: ['thread'],
      registers,
    });
    this.threadGcPerMinute = new Gauge({
      name: n('thread_gc_seconds_per_minute'),
      help: 'Seconds of GC pauses per minute in the thread',
      labelNames: ['thread'],
      registers,
    });
    this.suggestionActive = new Gauge({
      name: n('suggestion_active'),
      // The interface is bot_suggestion_active{id,thread}; severity is in /health.
      help: 'Optimisation suggestions active now (1), by rule id and thread',
      labelNames: ['id', 'thread'],
      registers,
    });
    this.timings = new Histogram({
      name: n('timing_seconds'),
      help: 'Worker-measured durations: reaction, scanQuotaWait, scanFetch, scanCompute, orderAck, orderFill',
      labelNames: ['name'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });

    if (options.defaultMetrics ?? STATUS_METRICS_DEFAULTS.defaultMetrics) {
      collectDefaultMetrics({ register: this.registry, prefix });
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Mirrors the report into the counters and gauges, then renders the exposition text. */
  async render(report: HealthReport): Promise<string> {
    this.sync(report);
    return this.registry.metrics();
  }

  recordApiCall(sample: ApiCallSample): void {
    if (!(sample.durationMs >= 0 && sample.durationMs < Number.POSITIVE_INFINITY)) return;
    const endpoint = this.endpointLabel(sample.endpoint ?? 'unknown');
    this.apiLatency.observe({ endpoint, outcome: apiCallOutcome(sample) }, sample.durationMs / 1000);
  }

  recordScan(durationMs: number): void {
    if (!(durationMs >= 0 && durationMs < Number.POSITIVE_INFINITY)) return;
    this.scanDuration.observe(durationMs / 1000);
  }

  recordTiming(name: string, ms: number): void {
    if (!(ms >= 0 && ms < Number.POSITIVE_INFINITY)) return;
    if (!this.timingNames.has(name)) {
      if (this.timingNames.size >= 32) return;
      this.timingNames.add(name);
    }
    this.timings.observe({ name }, ms / 1000);
  }

  private endpointLabel(endpoint: string): string {
    if (this.endpoints.has(endpoint)) return endpoint;
    if (this.endpoints.size >= this.maxEndpoints) return 'other';
    this.endpoints.add(endpoint);
    return endpoint;
  }

  private sync(report: HealthReport): void {
    const { api, positions, performance, threads } = report;
    // The report's failed_calls includes the rate-limited ones; the labels here partition the total.
    mirror(this.apiCalls, { outcome: 'ok' }, api.successful_calls);
    mirror(this.apiCalls, { outcome: 'failed' }, Math.max(0, api.failed_calls - api.rate_limited_calls));
    mirror(this.apiCalls, { outcome: 'rate_limited' }, api.rate_limited_calls);
    mirror(this.positionsOpened, {}, positions.opened);
    mirror(this.positionsClosed, {}, positions.closed);
    mirror(this.scans, {}, performance.scans_completed);
    mirror(this.scanErrors, {}, performance.scan_errors);
    mirror(this.positionUpdates, {}, performance.position_updates);
    mirror(this.positionUpdateErrors, {}, performance.position_update_errors);
    mirror(this.alertDeliveryFailures, {}, report.alerts?.delivery_failures ?? 0);

    this.openPositions.set(positions.open);
    this.equity.reset();
    if (positions.equity !== null && Number.isFinite(positions.equity))
      this.equity.set({ currency: 'USDT' }, positions.equity);
    this.totalPnl.set(positions.total_pnl);
    this.winRate.set(round(positions.win_rate / 100, 6));
    this.apiSuccessRate.set(round(api.success_rate / 100, 6));
    this.apiCallsPerMinute.set(api.calls_per_minute);
    this.uptime.set(report.uptime.seconds);
    this.healthy.set(isReportHealthy(report) ? 1 : 0);
    for (const status of ['HEALTHY', 'DEGRADED', 'UNHEALTHY'] as const) {
      this.healthStatus.set({ status }, report.overall_health.status === status ? 1 : 0);
    }

    // Reset first so a thread that disappeared from the report disappears from the scrape.
    this.threadRestartsTotal.reset();
    this.threadHeartbeatAge.reset();
    this.threadRestarts.reset();
    this.threadHealthy.reset();
    for (const [thread, t] of Object.entries(threads)) {
      this.threadRestartsTotal.inc({ thread }, t.restarts);
      if (t.last_heartbeat_age_s !== null) this.threadHeartbeatAge.set({ thread }, t.last_heartbeat_age_s);
      this.threadRestarts.set({ thread }, t.restarts);
      this.threadHealthy.set({ thread }, t.healthy ? 1 : 0);
    }
    this.cluster.sync(report.cluster);
    this.syncPerformance(report);
  }

  private syncPerformance(report: HealthReport): void {
    for (const g of [
      this.threadEventLoopDelay,
      this.threadElu,
      this.threadHeapUsed,
      this.threadHeapLimit,
      this.threadGcPerMinute,
      this.suggestionActive,
    ]) {
      g.reset();
    }
    for (const [thread, t] of Object.entries(report.threads)) {
      const r = t.runtime;
      if (!r) continue;
      this.threadEventLoopDelay.set({ thread, quantile: '0.5' }, r.event_loop_delay_ms.p50 / 1000);
      this.threadEventLoopDelay.set({ thread, quantile: '0.99' }, r.event_loop_delay_ms.p99 / 1000);
      this.threadEventLoopDelay.set({ thread, quantile: '1' }, r.event_loop_delay_ms.max / 1000);
      this.threadElu.set({ thread }, r.elu);
      this.threadHeapUsed.set({ thread }, r.heap_used_mb * 1024 * 1024);
      this.threadHeapLimit.set({ thread }, r.heap_limit_mb * 1024 * 1024);
      this.threadGcPerMinute.set({ thread }, r.gc_ms_per_min / 1000);
    }
    for (const s of report.performance.suggestions ?? []) {
      this.suggestionActive.set({ id: s.id, thread: s.thread }, 1);
    }
  }
}

/**
 * Sets a counter to the source's cumulative total. The monitor owns the count; resetting and
 * re-adding keeps the exported value equal to it (and a lower total reads as a counter reset,
 * which Prometheus handles).
 */
function mirror<L extends string>(counter: Counter<L>, labels: Partial<Record<L, string>>, total: number): void {
  const value = Number.isFinite(total) && total > 0 ? total : 0;
  if (Object.keys(labels).length === 0) {
    counter.reset();
    counter.inc(value);
    return;
  }
  counter.remove(labels);
  counter.inc(labels, value);
}
