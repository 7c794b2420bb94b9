// The supervisor's view of the bot: the health monitor fed from worker messages, the periodic and
// final health reports, alerts (console + optional webhook), the status server with its dashboard,
// one readable console line per trade event, and restart/alert history in the store.
import { AlertDispatcher, connectHealthAlerts } from '../src/alerts/index.js';
import type { AppConfig } from '../src/config/load-config.js';
import { ANOTHER_BOT_ALERT } from '../src/executor/account-scope.js';
import { OperatorControls, type CommandResult } from '../src/control/operator-controls.js';
import { StopMoveThrottle } from '../src/log/stop-move-throttle.js';
import { describeTradeEvent, type TradeEvent } from '../src/protocol/trade-event.js';
import { CounterDeltas, HealthMonitor, HealthReporter, formatReport, type HealthReport } from '../src/health/index.js';
import type { Logger } from '../src/log/logger.js';
import { roundMoney } from '../src/money/round-money.js';
import { StatusServer, healthMonitorSource, parseHostList, type OpenPositionView } from '../src/status/index.js';
import type { Store } from '../src/store/index.js';
import type { WorkerSupervisor } from '../src/supervision/worker-supervisor.js';
import type { ClusterNode } from '../src/cluster/cluster-node.js';
import { PerformanceAdvisor } from '../src/perf/performance-advisor.js';
import { takeProfile } from '../src/perf/thread-profiler.js';
import { systemClock } from '../src/resilience/clock.js';

export interface ObservabilityDeps {
  readonly config: AppConfig;
  readonly supervisor: WorkerSupervisor;
  readonly logger: Logger;
  readonly secrets: readonly string[];
  /** Read side of the bot's store (positions for the dashboard, restart and alert history). */
  readonly store: Store;
  /** Where trade lines, alerts and reports go (the console by default). */
  readonly print?: (line: string, level?: 'info' | 'warn' | 'error') => void;
  /** With REDIS_URL: this process's place among the others on the account. */
  readonly cluster?: Pick<ClusterNode, 'report' | 'onStateChange'>;
}

export interface Observability {
  readonly monitor: HealthMonitor;
  readonly advisor: PerformanceAdvisor;
  /** Operator commands (the status server's POST /control/... and the control socket run these). */
  readonly controls: OperatorControls;
  readonly statusUrl: string;
  /** A process-level failure (an unhandled rejection): one alert, and a line in the report's recent errors. */
  reportProcessError(message: string): void;
  /** Stops reporting and serving; prints the final health report and returns it. */
  close(): Promise<HealthReport>;
}

const WORKERS = ['scanner', 'position-monitor', 'order-executor'];
const THREAD_ALERT_KINDS = new Set<string>(['stall', 'restart', 'restart-budget']);

export async function startObservability(deps: ObservabilityDeps): Promise<Observability> {
  const { config, supervisor, logger, store } = deps;
  const print = deps.print ?? ((line: string) => console.log(line));
  // Trailing stops move in small steps; the console shows the ones that matter (all reach bot.log).
  const stopLines = new StopMoveThrottle({
    minShare: config.consoleStopMoveShare,
    intervalMs: 60_000,
    clock: systemClock,
  });
  const monitor = new HealthMonitor({
    stallTimeoutMs: config.stallTimeout * 1000,
    startupTimeoutMs: config.startupTimeout * 1000,
    progressTimeoutMs: config.progressTimeout * 1000,
    threads: WORKERS,
    // A point every 15 s for 24 h: the dashboard's curve fills in within the first minute.
    equityMinIntervalMs: 15_000,
    equityCapacity: 5760,
  });
  const alerts = new AlertDispatcher({
    // Stalls, crashes and escalations already have their immediate console line from the supervisor
    // (THREAD STALL / CRASH / ESCALATE); for those the dispatcher adds the webhook and the log record.
    console: (line, payload) => {
      if (payload === undefined || !THREAD_ALERT_KINDS.has(payload.kind)) print(line, 'warn');
      logger.warn(line);
    },
    webhookUrl: config.alertWebhookUrl === '' ? null : config.alertWebhookUrl,
    cooldownMs: config.alertCooldown * 1000,
    secrets: deps.secrets,
    webhook: { allowInsecure: config.alertWebhookInsecure === '1' },
    // Counted in /health (alerts.delivery_failures), on the dashboard and in /metrics: an alert
    // that never arrived is itself worth knowing about.
    onWebhookFailure: (f) => {
      const error = `${f.target}: ${f.error}`;
      logger.warn(`ALERT webhook delivery to ${f.target} failed after ${f.attempts} attempt(s): ${f.error}`, {
        target: f.target,
        attempts: f.attempts,
      });
      monitor.recordAlertDeliveryFailure(error);
    },
  });
  const alertHistory = (kind: string, subject: string, message: string): void => {
    try {
      store.events.recordAlert({ kind, subject, message });
    } catch (err) {
      logger.warn('could not record alert history', { error: (err as Error).message });
    }
  };

  // The position monitor reports `mark:<symbol>` / `upnl:<symbol>` gauges for the positions it guards.
  let monitorGauges: Readonly<Record<string, number>> = {};
  // The executor reports `tick:<symbol>` (each open position's price step) and the account equity.
  let executorGauges: Readonly<Record<string, number>> = {};
  let startEquity: number | null = null;
  const openPositions = (): OpenPositionView[] =>
    store.positions.active().map((p) => ({
      symbol: p.symbol,
      side: p.side,
      size: p.size,
      entry_price: p.entryPrice,
      mark_price: monitorGauges[`mark:${p.symbol}`] ?? null,
      leverage: p.leverage ?? config.leverage,
      unrealised_pnl: roundOrNull(monitorGauges[`upnl:${p.symbol}`]),
      opened_at: new Date(p.openedAt).toISOString(),
      stop_price: p.stopPrice,
      tick_size: executorGauges[`tick:${p.symbol}`] ?? null,
    }));
  // Always on: per-thread runtime figures, latency percentiles and the optimisation suggestions.
  const advisor = new PerformanceAdvisor({
    windowMs: config.suggestionWindow * 1000,
    checkIntervalMs: config.checkInterval * 1000,
    liveLoopMs: config.liveLoopInterval * 1000,
    sampleIntervalMs: config.heartbeatInterval * 1000,
  });
  // /health, /metrics, the dashboard and the text reports all read the report with the figures added.
  const reportSource = {
    getReport: () => advisor.decorate(monitor.getReport()),
    onChange: monitor.onChange,
    getEquityCurve: () => monitor.getEquityCurve(),
  };
  const quietly = <T>(what: string, read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (err) {
      logger.warn(`dashboard: could not read ${what}`, { error: (err as Error).message });
      return fallback;
    }
  };
  // Created before the status server (which serves its POSTs); announce() reaches the server late.
  let announceOnServer: (result: CommandResult) => void = () => undefined;
  const controls = new OperatorControls({
    target: supervisor,
    commands: store.commands,
    statusView: () => {
      const report = monitor.getReport();
      return {
        mode: config.tradingMode,
        health: report.overall_health.status,
        reasons: report.overall_health.reasons ?? [],
        openPositions: store.positions.active().map((p) => ({ symbol: p.symbol, side: p.side, size: p.size })),
      };
    },
    announce: (result) => {
      const where =
        result.source === 'socket' ? 'npm run ctl' : result.source === 'http' ? 'status server' : result.source;
      const message = `${result.ok ? '' : 'FAILED '}via ${where}: ${result.detail}`;
      // Every command is alerted: a second pause within the cooldown is news too.
      alerts.resetCooldown('operator', result.command);
      alerts.dispatch({ kind: 'operator', subject: result.command, message });
      alertHistory('operator', result.command, message);
      announceOnServer(result);
    },
    onError: (message, error) => logger.warn(message, { error: (error as Error).message }),
  });
  const status = new StatusServer({
    source: healthMonitorSource(reportSource, {
      openPositions,
      account: () => ({
        start_equity: startEquity,
        day_start_equity: quietly("the day's start equity", () => store.dailyPnl.current().startEquity, null),
      }),
      alertHistory: () =>
        quietly('the alert history', () => store.events.alerts({ limit: 20 }), []).map((a) => ({
          time: new Date(a.at).toISOString(),
          kind: a.kind,
          subject: a.subject,
          message: a.message,
        })),
      panels: () => ({
        controls: quietly(
          'the pause switch',
          () => {
            const since = store.commands.pausedSince();
            return { paused: since !== null, paused_since: since === null ? null : new Date(since.at).toISOString() };
          },
          { paused: false, paused_since: null },
        ),
      }),
    }),
    profiler: async (thread, kind, seconds) => {
      if (thread === 'supervisor') return takeProfile({ kind, seconds });
      // The same grace the supervisor's stall detector gives (see WorkerSupervisor.profile).
      const owed = config.stallTimeout * 1000;
      monitor.expectSilence(thread, systemClock.now() + seconds * 1000 + 30_000 + owed);
      try {
        return await supervisor.profile(thread, kind, seconds);
      } finally {
        monitor.expectSilence(thread, systemClock.now() + owed);
      }
    },
    mode: config.tradingMode,
    control: (command) => controls.execute(command, 'http'),
    host: config.statusHost,
    port: config.statusPort,
    token: config.statusToken,
    allowedHosts: parseHostList(config.statusAllowedHosts),
    title: 'KuCoin Futures Bot',
    onError: (e) => logger.warn('status server error', { error: e }),
  });
  const statusUrl = await status.start();
  announceOnServer = (result) =>
    status.publishEvent({
      kind: 'operator',
      severity: result.ok ? 'warning' : 'critical',
      message: `${result.command} (${result.source}): ${result.detail}`,
      data: { command: result.command, source: result.source, ok: result.ok, paused: result.paused },
    });

  let lastContested = '';
  const deltas = new CounterDeltas();
  const executorConditions = new Map<string, 'DEGRADED' | 'UNHEALTHY' | null>();
  const breakers = new Map<string, boolean>();
  const disposables = [
    connectHealthAlerts(monitor, alerts),
    supervisor.onHeartbeat((h) => {
      monitor.heartbeat(h.worker, h.progress);
      for (const [thread, sample] of Object.entries(h.runtime ?? {})) advisor.collector.recordRuntime(thread, sample);
    }),
    advisor.onRaised((s) => {
      const message = `${s.evidence}. Advice: ${s.advice}`;
      alerts.dispatch({
        kind: 'suggestion',
        subject: `${s.id}/${s.thread}`,
        message,
        details: { id: s.id, thread: s.thread, severity: s.severity },
      });
      alertHistory('suggestion', `${s.id}/${s.thread}`, message);
      status.publishEvent({
        kind: 'suggestion',
        severity: 'warning',
        message: `${s.thread}: ${s.id}: ${s.evidence}`,
        data: { id: s.id, thread: s.thread },
      });
    }),
    advisor.onCleared((s) => {
      alerts.resetCooldown('suggestion', `${s.id}/${s.thread}`);
      logger.info(`optimisation suggestion cleared: ${s.id} (${s.thread})`, { id: s.id, thread: s.thread });
    }),
    supervisor.onMetrics(({ worker, generation, metrics }) => {
      if (worker === 'position-monitor') monitorGauges = metrics.gauges;
      if (worker === 'order-executor') {
        executorGauges = metrics.gauges;
        if (startEquity === null && metrics.gauges['equity'] !== undefined) startEquity = metrics.gauges['equity'];
      }
      for (const call of metrics.calls) {
        monitor.recordApiCall(call);
        status.recorder.recordApiCall(call);
        advisor.collector.recordApiCall(worker, call);
      }
      for (const [name, values] of Object.entries(metrics.timings ?? {})) {
        for (const ms of values) {
          advisor.collector.recordTiming(name, ms);
          status.recorder.recordTiming?.(name, ms);
        }
      }
      const d = (name: string): number => deltas.delta(worker, generation, name, metrics.counters[name] ?? 0);
      const scans = d('scans');
      const scanMs = d('scanMsTotal');
      if (scans > 0) {
        monitor.recordScans(scans, scanMs);
        status.recorder.recordScan(scanMs / scans);
        advisor.collector.recordScan(scanMs / scans);
      }
      advisor.collector.recordStreamReconnects(worker, d('streamReconnects'));
      const g = metrics.gauges;
      if (g['poolThreads'] !== undefined && g['cores'] !== undefined) {
        advisor.collector.setPool({
          threads: g['poolThreads'],
          cores: g['cores'],
          queueWaitP99Ms: g['poolQueueWaitP99Ms'] ?? 0,
        });
      }
      monitor.recordScanErrors(d('scanErrors'));
      const updates = d('positionUpdates');
      if (updates > 0) monitor.recordPositionUpdates(updates);
      monitor.recordPositionUpdateErrors(d('positionUpdateErrors'));
      const equity = metrics.gauges['equity'];
      if (equity !== undefined) monitor.setEquity(equity);
      if (worker === 'order-executor' && metrics.gauges['openPositions'] !== undefined)
        monitor.setOpenPositions(metrics.gauges['openPositions']);
      if (worker === 'order-executor' && metrics.gauges['unsettledPositions'] !== undefined)
        monitor.setUnsettledPositions(metrics.gauges['unsettledPositions']);
      const breakerOpen = (metrics.gauges['breakerOpen'] ?? 0) > 0;
      if (breakerOpen !== (breakers.get(worker) ?? false)) {
        breakers.set(worker, breakerOpen);
        monitor.setCondition(
          `breaker:${worker}`,
          breakerOpen ? 'DEGRADED' : null,
          `${worker}: exchange circuit breaker open`,
        );
        if (breakerOpen) {
          const message = 'exchange calls keep failing; non-critical calls fail fast until a probe succeeds';
          alerts.dispatch({ kind: 'breaker-opened', subject: worker, message });
          alertHistory('breaker-opened', worker, message);
        }
      }
      const kill = metrics.gauges['killSwitchActive'];
      if (kill !== undefined)
        monitor.setCondition('kill-switch', kill > 0 ? 'DEGRADED' : null, 'daily loss kill switch active');
    }),
    supervisor.onWorkerError(({ worker, error, fatal }) => {
      // Fatal: the thread dies with it. Otherwise an error its loop absorbed (a failed symbol, a refresh).
      monitor.recordError({ thread: worker, type: fatal ? 'crash' : error.name, message: error.message });
    }),
    supervisor.onStall(({ worker, verdict, evidence }) => {
      const what =
        verdict.kind === 'no-progress'
          ? `no progress for ${verdict.frozenMs} ms`
          : verdict.kind === 'no-start'
            ? `no first heartbeat ${verdict.silentMs} ms after spawn (STARTUP_TIMEOUT ${config.startupTimeout} s)`
            : `no heartbeat for ${verdict.silentMs} ms`;
      const message = `${what} (event-loop utilisation ${evidence.eventLoopUtilization?.toFixed(2) ?? 'n/a'})`;
      const kind = verdict.kind === 'no-start' ? 'start-timeout' : 'stall';
      alerts.dispatch({ kind, subject: worker, message });
      alertHistory(kind, worker, message);
    }),
    supervisor.onRestart(({ worker, reason, restartCount, inWindow, delayMs }) => {
      monitor.recordRestart(worker, reason);
      advisor.collector.recordRestart(worker);
      const message = `${reason}: restart #${restartCount} (${inWindow} within the window), after ${delayMs} ms`;
      alerts.dispatch({ kind: 'restart', subject: worker, message });
      status.publishEvent({
        kind: 'restart',
        severity: 'warning',
        message: `${worker} restarted after a ${reason}`,
        data: { worker, restartCount },
      });
      try {
        store.events.recordRestart({ worker, reason, evidence: { restartCount, inWindow, delayMs } });
      } catch (err) {
        logger.warn('could not record restart history', { error: (err as Error).message });
      }
    }),
    supervisor.onEscalate(({ worker, failuresInWindow, windowMs }) => {
      const message = `${failuresInWindow} failures within ${windowMs / 1000} s exceeds MAX_RESTARTS=${config.maxRestarts}; stopping the bot`;
      alerts.dispatch({ kind: 'restart-budget', subject: worker, message });
      alertHistory('restart-budget', worker, message);
    }),
    supervisor.onTrade(({ event }) => onTrade(event)),
    supervisor.onAccountScope(({ scope }) => {
      monitor.setAccountScope(scope, ANOTHER_BOT_ALERT);
      const contested = scope.contested
        .map((c) => c.symbol)
        .sort()
        .join(', ');
      if (contested !== '' && contested !== lastContested) {
        const message = `${ANOTHER_BOT_ALERT}; entries stopped on ${contested}`;
        alerts.dispatch({ kind: 'another-bot', subject: 'account', message });
        alertHistory('another-bot', 'account', message);
        status.publishEvent({ kind: 'alert', severity: 'warning', message });
      }
      lastContested = contested;
    }),
    ...(deps.cluster ? watchCluster(deps.cluster) : []),
  ];

  function watchCluster(cluster: NonNullable<ObservabilityDeps['cluster']>): { dispose(): void }[] {
    monitor.setClusterSource(() => cluster.report());
    const onRedis = (state: 'up' | 'down'): void => {
      const reason =
        'Redis unreachable: no entries (ownership cannot be proven); exits and stops go on under a 1/N share of the quota';
      monitor.setCondition('cluster-redis', state === 'down' ? 'DEGRADED' : null, reason);
      if (state === 'down') {
        alerts.dispatch({ kind: 'redis-down', subject: 'cluster', message: reason });
        alertHistory('redis-down', 'cluster', reason);
      } else {
        logger.info('cluster: Redis reachable again, entries resume');
      }
    };
    if (cluster.report().redis === 'down') onRedis('down');
    return [cluster.onStateChange(onRedis)];
  }

  function onTrade(event: TradeEvent): void {
    const line = describeTradeEvent(event);
    // Risk refusals (symbol already held, position limit) repeat every scan, and so do symbols another
    // process on the account owns (REDIS_URL) and the executor's health conditions after every
    // reconciliation: log them, don't print them.
    const routine =
      (event.type === 'rejected' && (event.stage === 'risk' || event.stage === 'ownership')) || event.type === 'health';
    const minorStopMove = event.type === 'stop-moved' && !stopLines.show(event);
    if (event.type === 'closed') stopLines.forget(event.symbol);
    if (!routine && !minorStopMove) print(`TRADE ${line}`);
    logger.debug('trade event', { ...event });
    switch (event.type) {
      case 'opened':
      case 'adopted':
        monitor.recordPositionOpened(event.symbol);
        status.publishEvent({ kind: 'trade', message: line, data: { symbol: event.symbol } });
        return;
      case 'closed':
        monitor.recordPositionClosed({ symbol: event.symbol, pnl: event.pnl });
        status.publishEvent({ kind: 'trade', message: line, data: { symbol: event.symbol, pnl: event.pnl } });
        return;
      case 'stop-moved':
        status.publishEvent({ kind: 'trade', message: line, data: { symbol: event.symbol } });
        return;
      case 'rejected':
        return;
      case 'kill-switch':
        alerts.dispatch({ kind: 'kill-switch', subject: 'executor', message: event.reason });
        status.publishEvent({ kind: 'kill-switch', severity: 'critical', message: line });
        return;
      case 'alert':
        monitor.recordError({ thread: 'order-executor', type: 'alert', message: `${event.symbol}: ${event.reason}` });
        status.publishEvent({ kind: 'alert', severity: 'critical', message: line });
        return;
      case 'health': {
        const key = `executor:${event.key}`;
        const was = executorConditions.get(key) ?? null;
        executorConditions.set(key, event.status);
        monitor.setCondition(key, event.status, event.reason);
        // One alert per episode of the journal being unwritable: not one per report of it.
        if (event.key === 'journal' && event.status === 'UNHEALTHY' && was !== 'UNHEALTHY') {
          alerts.dispatch({ kind: 'journal-unwritable', subject: 'order-executor', message: event.reason });
          alertHistory('journal-unwritable', 'order-executor', event.reason);
          status.publishEvent({ kind: 'alert', severity: 'critical', message: event.reason });
        }
        return;
      }
      default:
        event satisfies never; // exhaustive: a new variant fails to compile here
    }
  }

  const reporter = new HealthReporter(reportSource, {
    intervalMs: config.healthReportInterval * 1000,
    sink: (text) => print(text),
  });
  monitor.start();
  advisor.start();
  reporter.start();
  logger.info(`dashboard: ${statusUrl}`, { url: statusUrl });

  let closed: Promise<HealthReport> | undefined;
  return {
    monitor,
    advisor,
    controls,
    statusUrl,
    reportProcessError: (message) => {
      monitor.recordError({ thread: 'supervisor', type: 'UnhandledRejection', message });
      alerts.dispatch({ kind: 'unhandled-rejection', subject: 'supervisor', message });
      alertHistory('unhandled-rejection', 'supervisor', message);
    },
    close: () =>
      (closed ??= (async () => {
        for (const w of WORKERS) monitor.recordThreadStopped(w);
        for (const d of disposables) d.dispose();
        const final = reportSource.getReport();
        reporter.stop();
        monitor.stop();
        advisor.stop();
        await alerts.flush(2000).catch(() => undefined);
        alerts.close();
        await status.close();
        return final;
      })()),
  };
}

export { formatReport };

function roundOrNull(v: number | undefined): number | null {
  return v === undefined ? null : roundMoney(v);
}
