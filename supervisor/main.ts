// Process entry point (npm start runs the compiled dist/supervisor/main.js): load config, start the
// embedded simulator in paper mode, create the shared rate limiter, run the workers under the
// supervisor, stop gracefully on SIGINT/SIGTERM (exit 0) and exit non-zero when a worker exceeds its
// restart budget, so pm2 restarts the process.
//
// Not wired here yet (other helpers' issues): the store, the health monitor and its final report,
// the status server. They plug in below where marked, through the supervisor's onX events.
import { loadConfig, secretsOf, type AppConfig } from '../src/config/load-config.js';
import { parseStallInject } from '../src/config/stall-inject.js';
import { createLogger, type Logger } from '../src/log/logger.js';
import { SharedRateLimiter } from '../src/resilience/shared-rate-limiter.js';
import { startSimulator, type SimulatorHandle } from '../src/simulator/simulator.js';
import { WorkerSupervisor } from '../src/supervision/worker-supervisor.js';
import type { WorkerSpec } from '../src/supervision/worker-spec.js';
import { EXCHANGE_SETTINGS } from '../src/worker-runtime/worker-exchange-client.js';

const workerScript = (name: string): URL => new URL(`../workers/${name}.js`, import.meta.url);

interface Venue {
  readonly url: string;
  readonly settings: Record<string, string | number>;
  readonly simulator: SimulatorHandle | undefined;
}

async function openVenue(config: AppConfig, logger: Logger): Promise<Venue> {
  if (config.tradingMode === 'paper') {
    const simulator = await startSimulator({
      port: config.simPort,
      apiKey: config.simApiKey,
      apiSecret: config.simApiSecret,
      apiPassphrase: config.simApiPassphrase,
      balance: config.simBalance,
      seed: config.simSeed,
      speed: config.simSpeed,
      ...(config.simFaults !== '' ? { faults: config.simFaults } : {}),
    });
    logger.info('paper mode: embedded simulator listening', { url: simulator.url, contracts: simulator.symbols.length });
    const c = simulator.credentials;
    return {
      url: simulator.url,
      simulator,
      settings: {
        [EXCHANGE_SETTINGS.url]: simulator.url,
        [EXCHANGE_SETTINGS.apiKey]: c.apiKey,
        [EXCHANGE_SETTINGS.apiSecret]: c.apiSecret,
        [EXCHANGE_SETTINGS.apiPassphrase]: c.apiPassphrase,
        [EXCHANGE_SETTINGS.apiKeyVersion]: 2,
      },
    };
  }
  return {
    url: config.kucoinFuturesUrl,
    simulator: undefined,
    settings: {
      [EXCHANGE_SETTINGS.url]: config.kucoinFuturesUrl,
      [EXCHANGE_SETTINGS.apiKey]: config.kucoinApiKey,
      [EXCHANGE_SETTINGS.apiSecret]: config.kucoinApiSecret,
      [EXCHANGE_SETTINGS.apiPassphrase]: config.kucoinApiPassphrase,
      [EXCHANGE_SETTINGS.apiKeyVersion]: Number(config.kucoinApiKeyVersion),
    },
  };
}

function workerSpecs(config: AppConfig, venue: Venue): WorkerSpec[] {
  const stall = parseStallInject(config.stallInject);
  // Busy-loop well past the stall timeout: the supervisor terminates the thread long before it ends.
  const stallFor = (name: string): Pick<WorkerSpec, 'stallInject'> =>
    stall?.worker === name ? { stallInject: { afterMs: stall.afterSeconds * 1000, busyMs: Math.max(60_000, config.stallTimeout * 10_000) } } : {};
  return [
    {
      name: 'order-executor',
      script: workerScript('order-executor'),
      role: 'executor',
      settings: { ...venue.settings, accountRefreshMs: Math.max(1000, config.positionUpdateInterval * 5000) },
      ...stallFor('order-executor'),
    },
    {
      name: 'scanner',
      script: workerScript('scanner'),
      role: 'client',
      settings: {
        ...venue.settings,
        scanIntervalMs: config.checkInterval * 1000,
        klineGranularity: config.klineGranularity,
        minTurnover: config.minTurnover,
        minConfidence: config.minConfidence,
        maxSymbols: 20,
      },
      ...stallFor('scanner'),
    },
    {
      name: 'position-monitor',
      script: workerScript('position-monitor'),
      role: 'client',
      settings: {
        ...venue.settings,
        positionUpdateIntervalMs: config.positionUpdateInterval * 1000,
        liveLoopIntervalMs: config.liveLoopInterval * 1000,
      },
      ...stallFor('position-monitor'),
    },
  ];
}

async function main(): Promise<number> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const logger = createLogger({ level: config.logLevel, logDir: config.logDir, secrets: secretsOf(config), component: 'supervisor' });
  const venue = await openVenue(config, logger);
  const limiter = SharedRateLimiter.create();
  const supervisor = new WorkerSupervisor(workerSpecs(config, venue), limiter.buffer, {
    heartbeatIntervalMs: config.heartbeatInterval * 1000,
    stallTimeoutMs: config.stallTimeout * 1000,
    progressTimeoutMs: config.progressTimeout * 1000,
    maxRestarts: config.maxRestarts,
    restartWindowMs: config.restartWindow * 1000,
    shutdownTimeoutMs: config.shutdownTimeout * 1000,
    logger,
    alert: (line) => console.error(line),
  });

  // Heartbeat visibility: the first heartbeat of each incarnation, then a periodic roll call.
  const announced = new Set<string>();
  supervisor.onHeartbeat((h) => {
    const key = `${h.worker}#${h.generation}`;
    if (announced.has(key)) return;
    announced.add(key);
    logger.info(`${h.worker} heartbeating`, { worker: h.worker, generation: h.generation, progress: h.progress });
  });
  const rollCall = setInterval(
    () => {
      const now = Date.now();
      const threads = supervisor.status().map((s) => ({
        worker: s.name,
        phase: s.phase,
        generation: s.generation,
        progress: s.progress,
        heartbeatAgeMs: s.lastHeartbeatAt === null ? null : now - s.lastHeartbeatAt,
        restarts: s.restarts,
      }));
      logger.info('threads', { threads, limiter: { public: limiter.available('public'), futures: limiter.available('futures') } });
    },
    Math.max(5000, config.heartbeatInterval * 10_000),
  );
  rollCall.unref();
  // Plug-in point: the health monitor subscribes here (onHeartbeat, onMetrics, onStall, onCrash,
  // onRestart, onEscalate, onWorkerError) and the status server reads supervisor.status().

  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      signals++;
      if (signals > 1) {
        console.error(`${signal} again: exiting without waiting for workers`);
        process.exit(130);
      }
      logger.info(`${signal} received: stopping gracefully`, { shutdownTimeoutS: config.shutdownTimeout });
      void supervisor.stop(signal);
    });
  }

  await supervisor.start();
  logger.info('all workers reported in', { workers: supervisor.status().map((s) => s.name), mode: config.tradingMode, venue: venue.url });
  process.send?.('ready'); // pm2 wait_ready

  const result = await supervisor.done;
  clearInterval(rollCall);
  logger.info('supervisor stopped', { ...result, threads: supervisor.status().map((s) => ({ worker: s.name, restarts: s.restarts, progress: s.progress })) });
  await venue.simulator?.close();
  await new Promise<void>((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
    setTimeout(resolve, 1000).unref();
  });
  return result.exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('supervisor failed:', err);
    process.exit(1);
  },
);
