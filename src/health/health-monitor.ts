// The supervisor's health monitor: fed from worker messages (API calls, positions, scans,
// heartbeats, restarts, errors), it answers with a JSON report and fires events on change.
//
// Recording is the hot path (thousands of calls a second from the message handlers): every
// record* method only bumps plain number fields and preallocated typed-array buckets; no Date, no
// growing arrays, no allocation once a thread or endpoint name has been seen. All the allocation
// (report objects, ISO times, reasons) happens in getReport()/evaluate(), which run on a timer or
// on request.
import { type ErrorDescription, describeError } from './describe-error.js';
import { type EquityPoint, EquityCurve } from './equity-curve.js';
import { ErrorRing } from './error-ring.js';
import { type Disposable, type Event, EventEmitter } from './event.js';
import { type HealthMonitorOptions, type ResolvedHealthMonitorOptions, resolveHealthMonitorOptions } from './health-monitor-options.js';
import {
  type ApiReport,
  type ClusterHealthReport,
  type EndpointReport,
  type HealthReport,
  type HealthStatus,
  type OverallHealth,
  type PerformanceReport,
  type PositionsReport,
  type ThreadReport,
  formatDuration,
  round,
} from './health-report.js';
import { type ExternalCondition, type VerdictThread, judgeOverallHealth } from './health-verdict.js';
import { roundMoney } from '../money/round-money.js';
import { SlidingWindowCounter } from './sliding-window-counter.js';
import { type ThreadState, ThreadRecord, beatSinceStart, describeThreadState, silenceMs, threadState } from './thread-health.js';
import type { TimerHandle } from '../resilience/clock.js';

/** One exchange call's outcome; the exchange layer's `CallRecord` satisfies it. */
export interface ApiCallSample {
  /** True when the call succeeded. A rate-limited call is not ok. */
  readonly ok: boolean;
  /** True when the exchange refused it for quota (429000); counted in failed calls too when !ok. */
  readonly rateLimited: boolean;
  readonly durationMs: number;
  readonly endpoint?: string;
}

export interface PositionClose {
  readonly symbol: string;
  /** Realised PnL in USDT: > 0 win, < 0 loss, 0 breakeven. */
  readonly pnl: number;
}

export interface ErrorRecord {
  readonly thread: string;
  readonly type: string;
  readonly message: string;
}

export interface VerdictChange {
  readonly previous: OverallHealth;
  readonly current: OverallHealth;
  /** Epoch ms of the evaluation that saw the change. */
  readonly at: number;
}

export interface ThreadStateChange {
  readonly thread: string;
  readonly previous: ThreadState;
  readonly current: ThreadState;
  /** Why it is not running (e.g. "thread scanner stalled: no heartbeat for 3.1 s"), or null. */
  readonly reason: string | null;
  /** Ms since its last heartbeat (or since its start when none came). */
  readonly silentForMs: number;
  /** True when it is stalled because no first heartbeat came within STARTUP_TIMEOUT (a start timeout). */
  readonly startTimedOut: boolean;
  readonly at: number;
}

class EndpointStats {
  calls = 0;
  failed = 0;
  rateLimited = 0;
  durationSum = 0;
}

const OTHER_ENDPOINT = 'other';
const LANE_CALLS = 0;
const LANE_OK = 1;
const LANE_RATE_LIMITED = 2;

export class HealthMonitor implements Disposable {
  readonly options: ResolvedHealthMonitorOptions;
  private readonly startedAt: number;

  // API
  private apiTotal = 0;
  private apiOk = 0;
  private apiFailed = 0;
  private apiRateLimited = 0;
  private apiDurationSum = 0;
  private apiDurationCount = 0;
  private lastApiCallAt = Number.NaN;
  /** Lanes: CALLS, OK, RATE_LIMITED. */
  private readonly callWindow: SlidingWindowCounter;
  private readonly endpoints = new Map<string, EndpointStats>();

  // Positions
  private opened = 0;
  private closed = 0;
  private openNow = 0;
  private unsettled = 0;
  private wins = 0;
  private losses = 0;
  private breakeven = 0;
  // Neumaier-compensated sum: 0.05 + -0.02 stays 0.03 (to rounding) over thousands of trades.
  private pnlSum = 0;
  private pnlCompensation = 0;
  private readonly equity: EquityCurve;

  // What on the account is not the bot's (the executor's account scope)
  private foreignPositionSymbols: readonly string[] = [];
  private foreignOrders = 0;
  private clientOidPrefix: string | null = null;
  private contestedSymbols: readonly string[] = [];

  // Performance
  private scans = 0;
  private scanErrors = 0;
  private scanDurationSum = 0;
  private scanDurationCount = 0;
  private lastScanDuration = Number.NaN;
  private maxScanDuration = 0;
  private positionUpdates = 0;
  private positionUpdateErrors = 0;

  // Alerts
  private alertDeliveryFailures = 0;
  private lastAlertDeliveryError: string | null = null;

  // Threads, errors, conditions
  private readonly threadRecords = new Map<string, ThreadRecord>();
  private readonly errors: ErrorRing;
  private readonly conditions = new Map<string, ExternalCondition>();
  private clusterSource: (() => ClusterHealthReport) | undefined;

  // Events and evaluation
  private version = 0;
  private emittedVersion = -1;
  private lastVerdict: OverallHealth = { status: 'HEALTHY', reasons: [] };
  private timer: TimerHandle | null = null;
  private readonly changeEmitter: EventEmitter<HealthReport>;
  private readonly verdictEmitter: EventEmitter<VerdictChange>;
  private readonly threadEmitter: EventEmitter<ThreadStateChange>;

  /** Fires from evaluate() (each tick after start()) with a fresh report when anything was recorded since the last one or the verdict changed. */
  readonly onChange: Event<HealthReport>;
  /** Fires from evaluate() when the overall status (HEALTHY / DEGRADED / UNHEALTHY) changes. */
  readonly onVerdictChange: Event<VerdictChange>;
  /** Fires from evaluate() when a thread's state changes (e.g. running → stalled). */
  readonly onThreadStateChange: Event<ThreadStateChange>;

  constructor(options: HealthMonitorOptions = {}) {
    this.options = resolveHealthMonitorOptions(options);
    const o = this.options;
    this.startedAt = o.clock.now();
    this.callWindow = new SlidingWindowCounter({ windowMs: o.rateWindowMs, bucketMs: o.rateBucketMs, lanes: 3 });
    this.equity = new EquityCurve({ capacity: o.equityCapacity, minIntervalMs: o.equityMinIntervalMs });
    this.errors = new ErrorRing({ capacity: o.errorCapacity, maxMessageLength: o.maxErrorMessageLength });
    this.changeEmitter = new EventEmitter(o.onListenerError);
    this.verdictEmitter = new EventEmitter(o.onListenerError);
    this.threadEmitter = new EventEmitter(o.onListenerError);
    this.onChange = this.changeEmitter.event;
    this.onVerdictChange = this.verdictEmitter.event;
    this.onThreadStateChange = this.threadEmitter.event;
    for (const name of o.threads) this.registerThread(name);
  }

  // ---- recording (hot path) ----

  recordApiCall(call: ApiCallSample): void {
    const now = this.options.clock.now();
    const slot = this.callWindow.slot(now);
    this.apiTotal += 1;
    this.callWindow.addAt(slot, 1, LANE_CALLS);
    if (call.ok) {
      this.apiOk += 1;
      this.callWindow.addAt(slot, 1, LANE_OK);
    } else {
      this.apiFailed += 1;
    }
    if (call.rateLimited) {
      this.apiRateLimited += 1;
      this.callWindow.addAt(slot, 1, LANE_RATE_LIMITED);
    }
    const d = call.durationMs;
    const validDuration = d >= 0 && d < Number.POSITIVE_INFINITY;
    if (validDuration) {
      this.apiDurationSum += d;
      this.apiDurationCount += 1;
    }
    this.lastApiCallAt = now;
    if (call.endpoint !== undefined) {
      const stats = this.endpointStats(call.endpoint);
      stats.calls += 1;
      if (!call.ok) stats.failed += 1;
      if (call.rateLimited) stats.rateLimited += 1;
      if (validDuration) stats.durationSum += d;
    }
    this.version += 1;
  }

  recordPositionOpened(_symbol: string): void {
    this.opened += 1;
    this.openNow += 1;
    this.version += 1;
  }

  recordPositionClosed(close: PositionClose): void {
    this.closed += 1;
    if (this.openNow > 0) this.openNow -= 1;
    const pnl = close.pnl;
    if (!Number.isFinite(pnl)) {
      // A NaN must never poison the running total; keep the trade count and say so.
      this.pushError('health', 'InvalidMetric', `non-finite pnl ${String(pnl)} for ${close.symbol}`);
    } else {
      if (pnl > 0) this.wins += 1;
      else if (pnl < 0) this.losses += 1;
      else this.breakeven += 1;
      const t = this.pnlSum + pnl;
      this.pnlCompensation += Math.abs(this.pnlSum) >= Math.abs(pnl) ? this.pnlSum - t + pnl : pnl - t + this.pnlSum;
      this.pnlSum = t;
    }
    this.version += 1;
  }

  /** The exchange's count of open positions; overrides the opened − closed bookkeeping. */
  /** Positions the exchange shows flat without exit fills (no PnL booked until they settle). */
  setUnsettledPositions(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n !== this.unsettled) {
      this.unsettled = n;
      this.version += 1;
    }
  }

  setOpenPositions(n: number): void {
    if (Number.isInteger(n) && n >= 0 && n !== this.openNow) {
      this.openNow = n;
      this.version += 1;
    }
  }

  recordScan(durationMs: number): void {
    this.scans += 1;
    if (durationMs >= 0 && durationMs < Number.POSITIVE_INFINITY) {
      this.scanDurationSum += durationMs;
      this.scanDurationCount += 1;
      this.lastScanDuration = durationMs;
      if (durationMs > this.maxScanDuration) this.maxScanDuration = durationMs;
    }
    this.version += 1;
  }

  /**
   * Several scans at once, for workers that report cumulative counters (see CounterDeltas): the
   * batch's mean duration stands in for its last and max.
   */
  recordScans(count: number, totalDurationMs: number): void {
    if (!(Number.isInteger(count) && count > 0)) return;
    this.scans += count;
    if (totalDurationMs >= 0 && totalDurationMs < Number.POSITIVE_INFINITY) {
      const mean = totalDurationMs / count;
      this.scanDurationSum += totalDurationMs;
      this.scanDurationCount += count;
      this.lastScanDuration = mean;
      if (mean > this.maxScanDuration) this.maxScanDuration = mean;
    }
    this.version += 1;
  }

  recordScanError(error: unknown, thread = 'scanner'): void {
    this.scanErrors += 1;
    this.pushDescribed(thread, describeError(error));
  }

  /** Scan errors counted by a worker; their messages arrive separately (recordError). */
  recordScanErrors(count: number): void {
    if (!(Number.isInteger(count) && count > 0)) return;
    this.scanErrors += count;
    this.version += 1;
  }

  /** Position update errors counted by a worker; their messages arrive separately (recordError). */
  recordPositionUpdateErrors(count: number): void {
    if (!(Number.isInteger(count) && count > 0)) return;
    this.positionUpdateErrors += count;
    this.version += 1;
  }

  recordPositionUpdate(): void {
    this.positionUpdates += 1;
    this.version += 1;
  }

  /** Several successful position refreshes at once (cumulative-counter workers). */
  recordPositionUpdates(count: number): void {
    if (!(Number.isInteger(count) && count > 0)) return;
    this.positionUpdates += count;
    this.version += 1;
  }

  recordPositionUpdateError(error: unknown, thread = 'position-monitor'): void {
    this.positionUpdateErrors += 1;
    this.pushDescribed(thread, describeError(error));
  }

  /** Declares a thread the monitor should expect; it is "starting" until its first heartbeat. */
  registerThread(thread: string): void {
    if (!this.threadRecords.has(thread)) {
      this.threadRecord(thread, this.options.clock.now());
      this.version += 1;
    }
  }

  /** The thread's record, created on first mention (a thread may heartbeat before it is registered). */
  private threadRecord(thread: string, now: number): ThreadRecord {
    let r = this.threadRecords.get(thread);
    if (r === undefined) {
      r = new ThreadRecord(thread, now);
      this.threadRecords.set(thread, r);
    }
    return r;
  }

  /** `progress` is a counter only the worker's main loop advances. */
  heartbeat(thread: string, progress: number): void {
    const now = this.options.clock.now();
    this.threadRecord(thread, now).heartbeat(now, progress);
    this.version += 1;
  }

  /** The supervisor respawned `thread`; it gets the start-up allowance again until its first heartbeat. */
  recordRestart(thread: string, reason: string): void {
    const now = this.options.clock.now();
    this.threadRecord(thread, now).restarted(now, reason);
    this.errors.push(now, thread, 'restart', reason);
    this.version += 1;
  }

  /**
   * The thread is expected to be silent until `untilMs` (epoch ms): an on-demand profile was asked
   * for, and a heap snapshot blocks the thread while V8 writes it. Not a stall meanwhile.
   */
  expectSilence(thread: string, untilMs: number): void {
    const r = this.threadRecords.get(thread);
    if (r !== undefined) {
      r.silenceExpectedUntil = untilMs;
      this.version += 1;
    }
  }

  /** The thread shut down on purpose (graceful stop): its silence no longer counts against health. */
  recordThreadStopped(thread: string): void {
    const r = this.threadRecords.get(thread);
    if (r !== undefined && !r.stopped) {
      r.stopped = true;
      this.version += 1;
    }
  }

  /** An alert the webhook did not accept (after its retries): the operator was not told. */
  recordAlertDeliveryFailure(error: string): void {
    this.alertDeliveryFailures += 1;
    this.lastAlertDeliveryError = error;
    this.version += 1;
  }

  recordError(error: ErrorRecord): void {
    this.pushError(error.thread, error.type, error.message);
  }

  setEquity(usdt: number): void {
    this.equity.record(this.options.clock.now(), roundMoney(usdt));
    this.version += 1;
  }

  /**
   * What the executor's latest reconciliation found on the account that is not the bot's. Contested
   * symbols (another bot trading the account) make the verdict DEGRADED with `contestReason`.
   */
  setAccountScope(scope: { botId: string; foreignOrders: number; foreignPositions: readonly { symbol: string }[]; contested: readonly { symbol: string }[] }, contestReason: string): void {
    this.foreignPositionSymbols = scope.foreignPositions.map((p) => p.symbol).sort();
    this.foreignOrders = scope.foreignOrders;
    this.clientOidPrefix = `kb_${scope.botId}_`;
    this.contestedSymbols = scope.contested.map((c) => c.symbol).sort();
    this.setCondition('another-bot', this.contestedSymbols.length > 0 ? 'DEGRADED' : null, `${contestReason}: contested ${this.contestedSymbols.join(', ')}`);
    this.version += 1;
  }

  /**
   * A condition the monitor cannot see by itself (an open circuit breaker, a tripped kill switch)
   * that lowers the verdict while set; `status` null clears it.
   */
  setCondition(key: string, status: Exclude<HealthStatus, 'HEALTHY'> | null, reason = key): void {
    if (status === null) {
      if (this.conditions.delete(key)) this.version += 1;
      return;
    }
    const prev = this.conditions.get(key);
    if (prev?.status !== status || prev.reason !== reason) {
      this.conditions.set(key, { key, status, reason });
      this.version += 1;
    }
  }

  // ---- reading ----

  /** A JSON-serialisable snapshot; see HealthReport for every field's meaning. */
  getReport(): HealthReport {
    const now = this.options.clock.now();
    const threads: Record<string, ThreadReport> = {};
    const verdictThreads: VerdictThread[] = [];
    for (const r of this.threadRecords.values()) {
      const state = threadState(r, now, this.options);
      const reason = describeThreadState(r, state, now);
      threads[r.name] = {
        last_heartbeat_age_s: Number.isNaN(r.lastHeartbeatAt) ? null : round((now - r.lastHeartbeatAt) / 1000, 1),
        progress: r.progress,
        progress_age_s: Number.isNaN(r.lastProgressAt) ? null : round((now - r.lastProgressAt) / 1000, 1),
        restarts: r.restarts,
        last_restart_reason: r.lastRestartReason,
        state,
        healthy: state === 'running',
        reason,
      };
      verdictThreads.push(this.verdictThread(r, state, reason, now));
    }
    return {
      uptime: {
        seconds: Math.max(0, Math.floor((now - this.startedAt) / 1000)),
        formatted: formatDuration((now - this.startedAt) / 1000),
        started_at: new Date(this.startedAt).toISOString(),
        now: new Date(now).toISOString(),
      },
      api: this.apiReport(now),
      positions: this.positionsReport(),
      orders: { foreign: this.foreignOrders, client_oid_prefix: this.clientOidPrefix, contested_symbols: [...this.contestedSymbols] },
      performance: this.performanceReport(),
      threads,
      recent_errors: this.errors.entries().map((e) => ({
        time: new Date(e.timeMs).toISOString(),
        thread: e.thread,
        type: e.type,
        message: e.message,
      })),
      alerts: { delivery_failures: this.alertDeliveryFailures, last_delivery_error: this.lastAlertDeliveryError },
      overall_health: this.judge(verdictThreads, now),
      ...(this.clusterSource ? { cluster: this.clusterSource() } : {}),
    };
  }

  /** With REDIS_URL: where the report's `cluster` section comes from (read at report time). */
  setClusterSource(source: (() => ClusterHealthReport) | null): void {
    this.clusterSource = source ?? undefined;
  }

  /** The bounded equity series, oldest first, for the dashboard. */
  getEquityCurve(): EquityPoint[] {
    return this.equity.points();
  }

  /** The verdict from the last evaluate() (HEALTHY before the first). */
  get lastOverallHealth(): OverallHealth {
    return this.lastVerdict;
  }

  /**
   * Re-judges thread states and the verdict and fires the change events. start() calls it on a
   * timer; call it directly to drive it by hand (tests, shutdown).
   */
  evaluate(): OverallHealth {
    const now = this.options.clock.now();
    const verdictThreads: VerdictThread[] = [];
    for (const r of this.threadRecords.values()) {
      const state = threadState(r, now, this.options);
      const reason = describeThreadState(r, state, now);
      if (state !== r.lastSeenState) {
        const previous = r.lastSeenState;
        r.lastSeenState = state;
        const startTimedOut = state === 'stalled' && !beatSinceStart(r);
        this.threadEmitter.emit({ thread: r.name, previous, current: state, reason, silentForMs: silenceMs(r, now), startTimedOut, at: now });
      }
      verdictThreads.push(this.verdictThread(r, state, reason, now));
    }
    const verdict = this.judge(verdictThreads, now);
    const previous = this.lastVerdict;
    this.lastVerdict = verdict;
    const verdictChanged = verdict.status !== previous.status;
    if (verdictChanged) this.verdictEmitter.emit({ previous, current: verdict, at: now });
    if ((verdictChanged || this.version !== this.emittedVersion) && this.changeEmitter.size > 0) {
      this.emittedVersion = this.version;
      this.changeEmitter.emit(this.getReport());
    }
    return verdict;
  }

  /** Starts the evaluation tick (unref'd: it never keeps the process alive). Idempotent. */
  start(): void {
    if (this.timer !== null) return;
    const clock = this.options.clock;
    // Deferred past the queued worker messages: see Clock.defer.
    const tick = (): void => {
      if (this.timer !== null) this.evaluate();
    };
    this.timer = clock.setInterval(() => clock.defer(tick), this.options.evaluateIntervalMs).unref();
  }

  stop(): void {
    if (this.timer === null) return;
    this.timer.cancel();
    this.timer = null;
  }

  dispose(): void {
    this.stop();
  }

  // ---- internals ----

  private endpointStats(endpoint: string): EndpointStats {
    let stats = this.endpoints.get(endpoint);
    if (stats === undefined) {
      // Bounded: a caller passing raw paths with ids must not grow the map forever.
      const key = this.endpoints.size < this.options.maxEndpoints ? endpoint : OTHER_ENDPOINT;
      stats = this.endpoints.get(key);
      if (stats === undefined) {
        stats = new EndpointStats();
        this.endpoints.set(key, stats);
      }
    }
    return stats;
  }

  private pushDescribed(thread: string, d: ErrorDescription): void {
    this.pushError(thread, d.type, d.message);
  }

  private pushError(thread: string, type: string, message: string): void {
    this.errors.push(this.options.clock.now(), thread, type, message);
    this.version += 1;
  }

  private verdictThread(r: ThreadRecord, state: ThreadState, reason: string | null, now: number): VerdictThread {
    return {
      name: r.name,
      state,
      reason,
      lastRestartAgeMs: Number.isNaN(r.lastRestartAt) ? Number.NaN : now - r.lastRestartAt,
      restarts: r.restarts,
      lastRestartReason: r.lastRestartReason,
    };
  }

  private judge(threads: VerdictThread[], now: number): OverallHealth {
    return judgeOverallHealth(
      {
        threads,
        windowSeconds: Math.round(this.options.rateWindowMs / 1000),
        recentCalls: this.callWindow.total(now, LANE_CALLS),
        recentSuccessful: this.callWindow.total(now, LANE_OK),
        recentRateLimited: this.callWindow.total(now, LANE_RATE_LIMITED),
        conditions: [...this.conditions.values()],
      },
      this.options.thresholds,
    );
  }

  private apiReport(now: number): ApiReport {
    const recentCalls = this.callWindow.total(now, LANE_CALLS);
    const byEndpoint: Record<string, EndpointReport> = {};
    for (const [name, s] of this.endpoints) {
      byEndpoint[name] = {
        calls: s.calls,
        failed: s.failed,
        rate_limited: s.rateLimited,
        avg_latency_ms: s.calls > 0 ? round(s.durationSum / s.calls, 2) : 0,
      };
    }
    return {
      total_calls: this.apiTotal,
      successful_calls: this.apiOk,
      failed_calls: this.apiFailed,
      rate_limited_calls: this.apiRateLimited,
      success_rate: this.apiTotal > 0 ? round((this.apiOk / this.apiTotal) * 100, 2) : 100,
      calls_per_minute: recentCalls,
      recent_success_rate: recentCalls > 0 ? round((this.callWindow.total(now, LANE_OK) / recentCalls) * 100, 2) : null,
      rate_limited_last_minute: this.callWindow.total(now, LANE_RATE_LIMITED),
      avg_latency_ms: this.apiDurationCount > 0 ? round(this.apiDurationSum / this.apiDurationCount, 2) : 0,
      last_call_age_s: Number.isNaN(this.lastApiCallAt) ? null : round((now - this.lastApiCallAt) / 1000, 1),
      by_endpoint: byEndpoint,
    };
  }

  private positionsReport(): PositionsReport {
    const decided = this.wins + this.losses;
    return {
      opened: this.opened,
      closed: this.closed,
      open: this.openNow,
      unsettled: this.unsettled,
      wins: this.wins,
      losses: this.losses,
      breakeven: this.breakeven,
      win_rate: decided > 0 ? round((this.wins / decided) * 100, 2) : 0,
      total_pnl: roundMoney(this.pnlSum + this.pnlCompensation),
      equity: this.equity.latest(),
      foreign: { count: this.foreignPositionSymbols.length, symbols: [...this.foreignPositionSymbols] },
    };
  }

  private performanceReport(): PerformanceReport {
    return {
      scans_completed: this.scans,
      scan_errors: this.scanErrors,
      avg_scan_duration_ms: this.scanDurationCount > 0 ? round(this.scanDurationSum / this.scanDurationCount, 2) : 0,
      last_scan_duration_ms: Number.isNaN(this.lastScanDuration) ? null : this.lastScanDuration,
      max_scan_duration_ms: this.maxScanDuration,
      position_updates: this.positionUpdates,
      position_update_errors: this.positionUpdateErrors,
    };
  }
}
