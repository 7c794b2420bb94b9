// The supervisor's health monitor: fed from worker messages (API calls, positions, scans,
// heartbeats, restarts, errors), it answers with a JSON report and fires events on change.
//
// It only routes: each concept has its collector (API, positions, account scope, equity,
// worker counters, threads, errors, alert delivery, external conditions), and the verdict is a pure
// function of their snapshots (health-verdict.ts). What the monitor itself holds is the change
// version, the last verdict and the evaluation tick.
//
// Recording is the hot path (thousands of calls a second from the message handlers): every
// record* method only bumps plain number fields and preallocated typed-array buckets; no Date, no
// growing arrays, no allocation once a thread or endpoint name has been seen. All the allocation
// (report objects, ISO times, reasons) happens in getReport() and the tick, which run on a timer or
// on request.
import { type AccountScopeSample, AccountScopeCollector } from './account-scope-collector.js';
import { AlertDeliveryCollector } from './alert-delivery-collector.js';
import { type ApiCallSample, ApiCollector } from './api-collector.js';
import { ConditionSet } from './condition-set.js';
import { type EquityPoint, EquityCurve } from './equity-curve.js';
import { ErrorRing } from './error-ring.js';
import { type Disposable, type Event, EventEmitter } from './event.js';
import {
  type HealthMonitorOptions,
  type ResolvedHealthMonitorOptions,
  resolveHealthMonitorOptions,
} from './health-monitor-options.js';
import {
  type ClusterHealthReport,
  type HealthReport,
  type HealthStatus,
  type OverallHealth,
  formatDuration,
} from './health-report.js';
import { type VerdictThread, judgeOverallHealth } from './health-verdict.js';
import { roundMoney } from '../money/round-money.js';
import { WorkerCountersCollector } from './worker-counters-collector.js';
import { type PositionClose, PositionsCollector } from './positions-collector.js';
import { type ThreadStateChange, ThreadCollector } from './thread-collector.js';
import type { TimerHandle } from '../resilience/clock.js';

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

export class HealthMonitor implements Disposable {
  readonly options: ResolvedHealthMonitorOptions;
  private readonly startedAt: number;

  private readonly api: ApiCollector;
  private readonly positions = new PositionsCollector();
  private readonly accountScope = new AccountScopeCollector();
  private readonly equity: EquityCurve;
  private readonly counters = new WorkerCountersCollector();
  private readonly threads: ThreadCollector;
  private readonly errors: ErrorRing;
  private readonly alertDelivery = new AlertDeliveryCollector();
  private readonly conditions = new ConditionSet();
  private clusterSource: (() => ClusterHealthReport) | undefined;

  // Events and evaluation
  private version = 0;
  private emittedVersion = -1;
  private lastVerdict: OverallHealth = { status: 'HEALTHY', reasons: [] };
  private timer: TimerHandle | null = null;
  private readonly changeEmitter: EventEmitter<HealthReport>;
  private readonly verdictEmitter: EventEmitter<VerdictChange>;
  private readonly threadEmitter: EventEmitter<ThreadStateChange>;

  /** Fires from the tick (each one after start()) with a fresh report when anything was recorded since the last one or the verdict changed. */
  readonly onChange: Event<HealthReport>;
  /** Fires from the tick when the overall status (HEALTHY / DEGRADED / UNHEALTHY) changes. */
  readonly onVerdictChange: Event<VerdictChange>;
  /** Fires from the tick when a thread's state changes (e.g. running → stalled). */
  readonly onThreadStateChange: Event<ThreadStateChange>;

  constructor(options: HealthMonitorOptions = {}) {
    this.options = resolveHealthMonitorOptions(options);
    const o = this.options;
    this.startedAt = o.clock.now();
    this.api = new ApiCollector(o);
    this.equity = new EquityCurve({ capacity: o.equityCapacity, minIntervalMs: o.equityMinIntervalMs });
    this.threads = new ThreadCollector(o);
    this.errors = new ErrorRing({ capacity: o.errorCapacity, maxMessageLength: o.maxErrorMessageLength });
    this.changeEmitter = new EventEmitter(o.onListenerError);
    this.verdictEmitter = new EventEmitter(o.onListenerError);
    this.threadEmitter = new EventEmitter(o.onListenerError);
    this.onChange = this.changeEmitter.event;
    this.onVerdictChange = this.verdictEmitter.event;
    this.onThreadStateChange = this.threadEmitter.event;
    for (const name of o.threads) if (this.threads.register(name, this.startedAt)) this.version += 1;
  }

  // ---- recording (hot path) ----

  recordApiCall(call: ApiCallSample): void {
    this.api.record(call, this.options.clock.now());
    this.version += 1;
  }

  recordPositionOpened(_symbol: string): void {
    this.positions.recordOpened();
    this.version += 1;
  }

  recordPositionClosed(close: PositionClose): void {
    if (!this.positions.recordClosed(close)) {
      this.pushError('health', 'InvalidMetric', `non-finite pnl ${String(close.pnl)} for ${close.symbol}`);
    }
    this.version += 1;
  }

  /** Positions the exchange shows flat without exit fills (no PnL booked until they settle). */
  setUnsettledPositions(n: number): void {
    if (this.positions.setUnsettled(n)) this.version += 1;
  }

  /** The exchange's count of open positions; overrides the opened − closed bookkeeping. */
  setOpenPositions(n: number): void {
    if (this.positions.setOpen(n)) this.version += 1;
  }

  /**
   * Scans counted by a worker since its last report (see CounterDeltas): the batch's mean duration
   * stands in for its last and max.
   */
  recordScans(count: number, totalDurationMs: number): void {
    if (this.counters.recordScans(count, totalDurationMs)) this.version += 1;
  }

  /** Scan errors counted by a worker; their messages arrive separately (recordError). */
  recordScanErrors(count: number): void {
    if (this.counters.recordScanErrors(count)) this.version += 1;
  }

  /** Successful position refreshes counted by a worker. */
  recordPositionUpdates(count: number): void {
    if (this.counters.recordPositionUpdates(count)) this.version += 1;
  }

  /** Position update errors counted by a worker; their messages arrive separately (recordError). */
  recordPositionUpdateErrors(count: number): void {
    if (this.counters.recordPositionUpdateErrors(count)) this.version += 1;
  }

  /** `progress` is a counter only the worker's main loop advances. */
  heartbeat(thread: string, progress: number): void {
    this.threads.heartbeat(thread, progress, this.options.clock.now());
    this.version += 1;
  }

  /** The supervisor respawned `thread`; it gets the start-up allowance again until its first heartbeat. */
  recordRestart(thread: string, reason: string): void {
    const now = this.options.clock.now();
    this.threads.restarted(thread, reason, now);
    this.errors.push(now, thread, 'restart', reason);
    this.version += 1;
  }

  /**
   * The thread is expected to be silent until `untilMs` (epoch ms): an on-demand profile was asked
   * for, and a heap snapshot blocks the thread while V8 writes it. Not a stall meanwhile.
   */
  expectSilence(thread: string, untilMs: number): void {
    if (this.threads.expectSilence(thread, untilMs)) this.version += 1;
  }

  /** The thread shut down on purpose (graceful stop): its silence no longer counts against health. */
  recordThreadStopped(thread: string): void {
    if (this.threads.stopped(thread)) this.version += 1;
  }

  /** An alert the webhook did not accept (after its retries): the operator was not told. */
  recordAlertDeliveryFailure(error: string): void {
    this.alertDelivery.record(error);
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
  setAccountScope(scope: AccountScopeSample, contestReason: string): void {
    this.accountScope.record(scope);
    const contested = this.accountScope.contested();
    this.setCondition(
      'another-bot',
      contested.length > 0 ? 'DEGRADED' : null,
      `${contestReason}: contested ${contested.join(', ')}`,
    );
    this.version += 1;
  }

  /**
   * A condition the monitor cannot see by itself (an open circuit breaker, a tripped kill switch)
   * that lowers the verdict while set; `status` null clears it.
   */
  setCondition(key: string, status: Exclude<HealthStatus, 'HEALTHY'> | null, reason = key): void {
    if (this.conditions.set(key, status, reason)) this.version += 1;
  }

  /** With REDIS_URL: where the report's `cluster` section comes from (read at report time). */
  setClusterSource(source: (() => ClusterHealthReport) | null): void {
    this.clusterSource = source ?? undefined;
  }

  // ---- reading ----

  /** A JSON-serialisable snapshot; see HealthReport for every field's meaning. */
  getReport(): HealthReport {
    const now = this.options.clock.now();
    const threads = this.threads.snapshot(now);
    return {
      uptime: {
        seconds: Math.max(0, Math.floor((now - this.startedAt) / 1000)),
        formatted: formatDuration((now - this.startedAt) / 1000),
        started_at: new Date(this.startedAt).toISOString(),
        now: new Date(now).toISOString(),
      },
      api: this.api.report(now),
      positions: this.positions.report(this.equity.latest(), this.accountScope.foreignPositions()),
      orders: this.accountScope.ordersReport(),
      performance: this.counters.report(),
      threads: threads.report,
      recent_errors: this.errors.entries().map((e) => ({
        time: new Date(e.timeMs).toISOString(),
        thread: e.thread,
        type: e.type,
        message: e.message,
      })),
      alerts: this.alertDelivery.report(),
      overall_health: this.judge(threads.verdict, now),
      ...(this.clusterSource ? { cluster: this.clusterSource() } : {}),
    };
  }

  /** The bounded equity series, oldest first, for the dashboard. */
  getEquityCurve(): EquityPoint[] {
    return this.equity.points();
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

  /** One tick: re-judges thread states and the verdict and fires the change events. */
  private evaluate(): void {
    const now = this.options.clock.now();
    const verdictThreads = this.threads.evaluate(now, (change) => this.threadEmitter.emit(change));
    const verdict = this.judge(verdictThreads, now);
    const previous = this.lastVerdict;
    this.lastVerdict = verdict;
    const verdictChanged = verdict.status !== previous.status;
    if (verdictChanged) this.verdictEmitter.emit({ previous, current: verdict, at: now });
    if ((verdictChanged || this.version !== this.emittedVersion) && this.changeEmitter.size > 0) {
      this.emittedVersion = this.version;
      this.changeEmitter.emit(this.getReport());
    }
  }

  private pushError(thread: string, type: string, message: string): void {
    this.errors.push(this.options.clock.now(), thread, type, message);
    this.version += 1;
  }

  private judge(threads: VerdictThread[], now: number): OverallHealth {
    return judgeOverallHealth(
      { threads, ...this.api.recentWindow(now), conditions: this.conditions.list() },
      this.options.thresholds,
    );
  }
}
