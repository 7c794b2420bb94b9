// Process entry point (npm start runs the compiled dist/supervisor/main.js): load config, open the
// store, start the embedded simulator in paper mode, create the shared rate limiter, run the
// workers under the supervisor with the health monitor, alerts and status server around them, stop
// gracefully on SIGINT/SIGTERM (final report, exit 0) and exit non-zero when a worker exceeds its
// restart budget, so pm2 restarts the process.
import { loadConfig, secretsOf, type AppConfig } from '../src/config/load-config.js';
import { createConsoleLines } from '../src/log/console-lines.js';
import { createLogger, type Logger } from '../src/log/logger.js';
import { KUCOIN_LIMITS } from '../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../src/resilience/shared-rate-limiter.js';
import path from 'node:path';
import {
  STORE_OPEN_EXIT_CODE,
  DataDirLock,
  LOCK_FILE_NAME,
  Store,
  StoreOpenError,
  isDataDirLockedError,
  storePath,
} from '../src/store/index.js';
import { createBotId } from '../src/executor/client-oid.js';
import { WorkerSupervisor } from '../src/supervision/worker-supervisor.js';
import { supervisionSettings } from '../src/supervision/supervisor-options.js';
import { ControlSocket } from '../src/control/control-socket.js';
import { startObservability } from './observability.js';
import { carryOverPause } from './pause-carry-over.js';
import { summaryLine } from './summary-line.js';
import { chooseJournal, type JournalChoice } from './journal-file.js';
import { verifyLiveKey } from './live-key.js';
import { installRejectionGuard } from './rejection-guard.js';
import { openVenue } from './venue.js';
import { workerSpecs } from './worker-specs.js';
import { clusterWanted, startCluster } from './cluster.js';
import type { ClusterNode } from '../src/cluster/cluster-node.js';
import { systemClock } from '../src/resilience/clock.js';

/** How often the one-line summary is printed (the full health report follows HEALTH_REPORT_INTERVAL). */
const SUMMARY_INTERVAL_MS = 30_000;

async function main(): Promise<number> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  // One process per DATA_DIR, before anything reads or archives the journal in it.
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(config.dataDir);
  } catch (err) {
    if (isDataDirLockedError(err)) {
      console.error(`refusing to start: ${err.message}`);
      return 1;
    }
    // DATA_DIR itself is unusable (read-only, not a directory, disk full): as with the journal, one
    // line with the file, the code and what to do, and an exit pm2 does not repeat.
    console.error(StoreOpenError.from(path.join(config.dataDir, LOCK_FILE_NAME), err).message);
    return STORE_OPEN_EXIT_CODE;
  }
  const secrets = secretsOf(config);
  const logger = createLogger({
    level: config.logLevel,
    logDir: config.logDir,
    secrets,
    component: 'supervisor',
    consoleFormat: config.consoleFormat,
  });
  // The console is for a person (see src/log/console-lines.ts); log records go to LOG_DIR/bot.log.
  const say = createConsoleLines({ format: config.consoleFormat, secrets });
  installRejectionGuard(process, {
    logger,
    alert: (line) => say(line, 'error'),
    report: (message) => observed?.report(message),
  });
  if (config.tradingMode === 'live') {
    const key = await verifyLiveKey(config, logger);
    if (key.kind !== 'accepted') {
      const lines = key.kind === 'refused' ? key.reasons : [`cannot check the live API key: ${key.reason}`];
      for (const line of lines) {
        console.error(`refusing to start: ${line}`);
        logger.error(`refusing to start: ${line}`);
      }
      await flushLog(logger);
      return key.kind === 'refused' ? 2 : 1;
    }
  }
  // The journal first: nothing is started yet when it cannot open, and a restart cannot heal that.
  const opened = openJournal(config);
  if (!opened.ok) {
    console.error(opened.line);
    await flushLog(logger);
    return STORE_OPEN_EXIT_CODE;
  }
  const { journal, store } = opened;
  if (journal.archivedTo)
    logger.info("embedded simulator starts empty: the previous paper run's journal was archived", {
      archivedTo: journal.archivedTo,
    });
  const venue = await openVenue(config, logger);
  // BOT_ID, or the id this journal has kept since it was created: the prefix of every clientOid.
  const botId = config.botId !== '' ? config.botId : store.identity.botId(() => createBotId());
  logger.info(`bot id ${botId}: orders carry the clientOid prefix kb_${botId}_`, {
    botId,
    foreignPositions: config.foreignPositions,
  });
  if (journal.archivedTo) carryOverPause(journal.archivedTo, store, logger);
  // With REDIS_URL the local bucket is stocked from the account-wide quota instead of refilling itself.
  const limiter = SharedRateLimiter.create({
    ...KUCOIN_LIMITS,
    ...(clusterWanted(config) ? { refill: 'external' as const } : {}),
  });
  let cluster: ClusterNode | undefined;
  try {
    cluster = await startCluster(config, venue, limiter, logger, botId);
  } catch (err) {
    console.error((err as Error).message);
    logger.error((err as Error).message);
    await venue.simulator?.close();
    store.close();
    await flushLog(logger);
    return 1;
  }
  const supervisor = new WorkerSupervisor(
    workerSpecs(config, venue, journal.file, botId, cluster?.settings()),
    limiter.buffer,
    {
      ...supervisionSettings(config),
      logger,
      alert: (line) => say(line, 'error'),
    },
  );
  let observability: Awaited<ReturnType<typeof startObservability>>;
  try {
    observability = await startObservability({
      config,
      supervisor,
      logger,
      secrets,
      store,
      ...(cluster ? { cluster } : {}),
      print: say,
    });
  } catch (err) {
    // Nothing trades yet: release what is open and say exactly what to change.
    console.error(
      `cannot start the status server on ${config.statusHost}:${config.statusPort}: ${(err as Error).message}. ` +
        'Set STATUS_PORT to a free port (0 picks any) or stop whatever holds it.',
    );
    await venue.simulator?.close();
    store.close();
    lock.release();
    return 1;
  }
  observed = {
    report: (message) => {
      observability.reportProcessError(message);
      return true;
    },
  };
  let controlSocket: ControlSocket | undefined;
  try {
    controlSocket = await ControlSocket.start({
      dataDir: config.dataDir,
      execute: (command) => observability.controls.execute(command, 'socket'),
      onError: (err) => logger.warn('control socket error', { error: (err as Error).message }),
    });
  } catch (err) {
    // Trading goes on without local controls; the status server's POSTs (with a token) remain.
    logger.error(`no local controls (npm run ctl): ${(err as Error).message}`);
  }
  say(`Dashboard: ${observability.statusUrl}  (mode: ${config.tradingMode}, venue: ${venue.url})`);
  say(
    `Mode: ${config.tradingMode === 'paper' ? 'PAPER trading (simulated exchange, no real money)' : 'LIVE trading on KuCoin Futures'}; controls: npm run ctl -- status | pause | resume | close <SYMBOL> | close all | breaker reset`,
  );
  if (observability.controls.paused) say('Entries are PAUSED by the operator: npm run ctl -- resume');

  // The first heartbeat of each incarnation is worth a line; the rest live in the health report.
  const announced = new Set<string>();
  supervisor.onHeartbeat((h) => {
    const key = `${h.worker}#${h.generation}`;
    if (announced.has(key)) return;
    announced.add(key);
    logger.info(`${h.worker} heartbeating`, { worker: h.worker, generation: h.generation, progress: h.progress });
  });
  const summary = systemClock
    .setInterval(() => say(summaryLine(observability.monitor.getReport())), SUMMARY_INTERVAL_MS)
    .unref();

  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      signals++;
      if (signals > 1) {
        say(`${signal} again: exiting without waiting for workers`, 'error');
        process.exit(130);
      }
      logger.info(`${signal} received: stopping gracefully`, { shutdownTimeoutS: config.shutdownTimeout });
      say(`${signal}: stopping gracefully (up to ${config.shutdownTimeout} s; ${signal} again exits at once)`);
      void supervisor.stop(signal);
    });
  }

  if (config.chaosHook === '1') armChaosHook(supervisor, config, logger);

  await supervisor.start();
  // start() also returns when the supervisor gave up before everyone reported in (restart budget).
  const givingUp = supervisor.status().some((s) => s.phase === 'stopping' || s.phase === 'stopped');
  if (!givingUp) {
    logger.info('all workers reported in', {
      workers: supervisor.status().map((s) => s.name),
      mode: config.tradingMode,
      venue: venue.url,
    });
    say(
      `Ready: all workers reported in (${supervisor
        .status()
        .map((s) => s.name)
        .join(', ')})`,
    );
    process.send?.('ready'); // pm2 wait_ready
  }

  const result = await supervisor.done;
  summary.cancel();
  logger.info('supervisor stopped', {
    ...result,
    threads: supervisor.status().map((s) => ({ worker: s.name, restarts: s.restarts, progress: s.progress })),
  });
  await controlSocket?.close();
  await observability.close(); // prints the final health report
  await cluster?.stop();
  await venue.simulator?.close();
  store.close();
  lock.release();
  await flushLog(logger);
  return result.exitCode;
}

/** Where process-level failures (an unhandled rejection) are reported once observability runs. */
let observed: { report(message: string): boolean } | undefined;

type JournalOpened = { ok: true; journal: JournalChoice; store: Store } | { ok: false; line: string };

/** Chooses and opens the journal; a failure is one line naming the file, the SQLite code and what to do. */
function openJournal(config: AppConfig): JournalOpened {
  const embedded = config.tradingMode === 'paper' && config.simUrl === '';
  let file = storePath(config.dataDir);
  try {
    const journal = chooseJournal(config.dataDir, embedded);
    file = journal.file;
    return { ok: true, journal, store: Store.open({ path: journal.file }) };
  } catch (err) {
    return { ok: false, line: StoreOpenError.from(file, err).message };
  }
}

async function flushLog(logger: Logger): Promise<void> {
  await new Promise<void>((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
    systemClock.setTimeout(resolve, 1000).unref();
  });
}

/**
 * CHAOS_HOOK=1 (paper mode only, see the config cross-checks): SIGUSR2 stalls and SIGUSR1 crashes
 * the next worker in one shared rotation, so a chaos test can fault threads at times of its choosing.
 */
function armChaosHook(supervisor: WorkerSupervisor, config: AppConfig, logger: Logger): void {
  const rotation = ['scanner', 'position-monitor', 'order-executor'] as const;
  let turn = 0;
  const next = (): string => rotation[turn++ % rotation.length] ?? rotation[0];
  // Far longer than the stall timeout: the supervisor must terminate the thread, not wait it out.
  const busyMs = Math.max(60_000, config.stallTimeout * 10_000);
  process.on('SIGUSR2', () => {
    const worker = next();
    if (supervisor.injectStall(worker, busyMs)) logger.warn(`chaos: stalling ${worker}`, { worker, busyMs });
    else logger.warn(`chaos: ${worker} has no live thread, stall skipped`, { worker });
  });
  process.on('SIGUSR1', () => {
    const worker = next();
    if (supervisor.injectCrash(worker)) logger.warn(`chaos: crashing ${worker}`, { worker });
    else logger.warn(`chaos: ${worker} has no live thread, crash skipped`, { worker });
  });
  logger.warn('CHAOS_HOOK=1: SIGUSR2 stalls and SIGUSR1 crashes the next worker in turn', { rotation });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`supervisor failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
