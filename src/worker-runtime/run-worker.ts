// The worker side of the supervisor protocol, shared by every long-lived worker entry: wait for
// `init`, attach the shared limiter, start heartbeats and metrics, wire executor ports, run the loop,
// and on `shutdown` let the current step finish, flush, say `shutdown-complete` and exit.
import { setMaxListeners } from 'node:events';
import { isMainThread, parentPort, threadId, type MessagePort } from 'node:worker_threads';
import {
  describeRaw,
  parseSupervisorMessage,
  type InitMessage,
  type AccountScopeMessage,
  type RuntimeSample,
  type TradeMessage,
  type WorkerMessage,
  type WorkerRuntimeConfig,
} from '../protocol/messages.js';
import { RuntimeSampler } from '../perf/runtime-sampler.js';
import { takeProfile } from '../perf/thread-profiler.js';
import { toWireError } from '../protocol/wire-error.js';
import { KUCOIN_LIMITS, type QuotaPool } from '../exchange/endpoints.js';
import type { Limiter } from '../resilience/limiter.js';
import { SharedRateLimiter } from '../resilience/shared-rate-limiter.js';
import { ExecutorLink, type ExecutorClient } from './executor-link.js';
import { ControlHandlers } from './control-handlers.js';
import { ExecutorServer } from './executor-server.js';
import { HeartbeatEmitter } from './heartbeat-emitter.js';
import { MetricsSender, type MetricsSink } from './metrics-sender.js';
import { PerfInjector } from './perf-inject.js';
import { armStallInject, busyLoop } from './stall-inject.js';
import { createWorkerLog, type WorkerLog } from './worker-log.js';
import { runWorkerLoop, type WorkerLoop } from './worker-loop.js';
import { systemClock } from '../resilience/clock.js';

export interface WorkerContext<TExecutor> {
  readonly name: string;
  /** 0 for the first spawn, +1 per restart. */
  readonly generation: number;
  readonly config: WorkerRuntimeConfig;
  /** Loop-specific settings from the supervisor's config. */
  readonly settings: WorkerRuntimeConfig['settings'];
  /** The shared rate limiter: every exchange call goes through it. */
  readonly gate: Limiter<QuotaPool>;
  readonly limiter: SharedRateLimiter<QuotaPool>;
  readonly metrics: MetricsSink;
  readonly log: WorkerLog;
  /** RPC to the order executor (calls time out and reject with PeerGoneError if it goes away). */
  readonly executor: ExecutorClient<TExecutor>;
  /** Aborted when the supervisor asks the worker to shut down. */
  readonly shutdownSignal: AbortSignal;
  /** Reports an error the loop absorbed (the supervisor shows it in the health report's recent errors). */
  readonly reportError: (error: unknown) => void;
  /** Relays a trading event to the supervisor (console line, health monitor, dashboard). */
  readonly publishTrade: (event: TradeMessage['event']) => void;
  /** Relays what on the account is not the bot's (executor only) to the supervisor. */
  readonly publishAccountScope: (scope: AccountScopeMessage['scope']) => void;
  /**
   * Adds the runtime figures of a thread this worker owns (the scanner's indicator pool) to every
   * heartbeat; `take` returns undefined when there is nothing new to report.
   */
  readonly addRuntimeSource: (thread: string, take: () => RuntimeSample | undefined) => void;
  /** Operator commands this worker carries out (see control-handlers.ts). */
  readonly controls: ControlHandlers;
}

export interface WorkerEntry<TExecutor> {
  /** Only for the executor: the API object served to peers on every `serve-port`. */
  serve?(ctx: WorkerContext<TExecutor>): object;
  /** Builds the main loop (may do async setup, e.g. starting a piscina pool). */
  createLoop(ctx: WorkerContext<TExecutor>): WorkerLoop | Promise<WorkerLoop>;
}

/** Runs `entry` as this worker thread's program. Call once from the worker's entry file. */
export function runWorker<TExecutor>(entry: WorkerEntry<TExecutor>): void {
  if (isMainThread || !parentPort) throw new Error('runWorker must be called inside a worker thread');
  const port = parentPort;
  const post = (message: WorkerMessage): void => port.postMessage(message);
  const log = createWorkerLog(post);
  let running: Running<TExecutor> | undefined;
  let rejected = 0;

  port.on('message', (raw: unknown) => {
    const parsed = parseSupervisorMessage(raw);
    if (!parsed.ok) {
      rejected++;
      running?.metrics.count('protocolRejected');
      log.warn(`ignored a malformed message from the supervisor (${describeRaw(raw)})`, {
        problem: parsed.problem,
        rejected,
      });
      return;
    }
    const msg = parsed.message;
    switch (msg.type) {
      case 'init':
        if (running) {
          log.warn('ignored a second init');
          return;
        }
        try {
          running = start(entry, msg, post, log);
        } catch (err) {
          // Set-up failed (e.g. the executor's journal cannot open): tell the supervisor what it was
          // in plain data first (the thread's own error event loses the message of unknown classes).
          post({ type: 'error', error: toWireError(err), fatal: true });
          throw err;
        }
        return;
      case 'executor-port':
        if (!running) return closeStray(msg.port, 'executor-port before init');
        running.link.connect(msg.port, msg.generation);
        return;
      case 'serve-port':
        if (!running?.server) return closeStray(msg.port, 'serve-port to a worker that serves nothing');
        running.server.serve(msg.peer, msg.port);
        return;
      case 'shutdown':
        if (!running) process.exit(0);
        running.link.drain();
        running.controller.abort(new Error(`shutdown: ${msg.reason}`));
        return;
      case 'profile-request': {
        const { id, kind, seconds } = msg;
        log.info(`profiling: ${kind === 'cpu' ? `CPU for ${seconds} s` : 'heap snapshot'}`);
        takeProfile({ kind, seconds }).then(
          (data) => post({ type: 'profile-result', id, ok: true, data }),
          (err: unknown) =>
            post({ type: 'profile-result', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        return;
      }
      case 'control': {
        const { id, command } = msg;
        if (!running) {
          post({ type: 'control-result', id, ok: false, detail: 'worker not started yet' });
          return;
        }
        // A failed command answers ok:false at once, so the operator is not left waiting for a timeout.
        void running.controls.run(command).then(
          (outcome) => post({ type: 'control-result', id, ...outcome }),
          (error: unknown) =>
            post({
              type: 'control-result',
              id,
              ok: false,
              detail: (error instanceof Error ? error.message : String(error)).slice(0, 2000),
            }),
        );
        return;
      }
      case 'chaos-stall':
        // Synchronous on purpose: nothing else runs here until it ends, as with a runaway step.
        log.warn(`chaos: busy-looping for ${msg.busyMs} ms`);
        busyLoop(msg.busyMs);
        return;
      default: {
        const never: never = msg;
        return never;
      }
    }
  });

  function closeStray(stray: MessagePort, why: string): void {
    stray.close();
    log.warn(`closed a stray port: ${why}`);
  }
}

interface Running<T> {
  readonly controller: AbortController;
  readonly link: ExecutorLink<T>;
  readonly server: ExecutorServer | undefined;
  readonly metrics: MetricsSender;
  readonly controls: ControlHandlers;
}

function start<T>(
  entry: WorkerEntry<T>,
  init: InitMessage,
  post: (m: WorkerMessage) => void,
  log: WorkerLog,
): Running<T> {
  const { config } = init;
  const limiter = SharedRateLimiter.attach(init.limiterBuffer, KUCOIN_LIMITS);
  // Always on: the figures ride on every heartbeat (see perf/runtime-sampler.ts for the cost).
  const sampler = new RuntimeSampler();
  const runtimeSources = new Map<string, () => RuntimeSample | undefined>();
  const runtime = (): Record<string, RuntimeSample> => {
    const out: Record<string, RuntimeSample> = { [init.worker]: sampler.take() };
    for (const [thread, take] of runtimeSources) {
      const sample = take();
      if (sample) out[thread] = sample;
    }
    return out;
  };
  const heartbeat = new HeartbeatEmitter(post, config.heartbeatIntervalMs, systemClock, runtime);
  const metrics = new MetricsSender(post, config.metricsIntervalMs);
  const link = new ExecutorLink<T>(config.rpcTimeoutMs);
  const controller = new AbortController();
  const controls = new ControlHandlers();
  // Loops hand this signal to many concurrent tasks (one piscina task per symbol).
  setMaxListeners(1000, controller.signal);
  const ctx: WorkerContext<T> = {
    name: init.worker,
    generation: init.generation,
    config,
    settings: config.settings,
    gate: limiter,
    limiter,
    metrics,
    log,
    executor: link,
    shutdownSignal: controller.signal,
    publishTrade: (event) => post({ type: 'trade', event }),
    publishAccountScope: (scope) => post({ type: 'account-scope', scope }),
    reportError: (error) => post({ type: 'error', error: toWireError(error), fatal: false }),
    addRuntimeSource: (thread, take) => void runtimeSources.set(thread, take),
    controls,
  };
  const injector = config.perfInject ? new PerfInjector(config.perfInject) : undefined;
  if (injector) log.warn('PERF_INJECT active', { ...config.perfInject });
  const server = entry.serve ? new ExecutorServer(entry.serve(ctx)) : undefined;
  const disarm = config.stallInject
    ? armStallInject(config.stallInject, () =>
        log.warn(`STALL_INJECT: busy-looping for ${config.stallInject?.busyMs} ms`),
      )
    : () => undefined;

  const stopAll = (): void => {
    disarm();
    heartbeat.stop();
    sampler.close();
    metrics.stop();
    link.close();
    server?.close();
  };

  const main = async (): Promise<void> => {
    heartbeat.start();
    metrics.start();
    post({ type: 'ready', worker: init.worker, generation: init.generation, threadId });
    const created = await entry.createLoop(ctx);
    const loop = injector ? withInjection(created, injector) : created;
    try {
      await runWorkerLoop(loop, { signal: controller.signal, onStepDone: () => heartbeat.advance() });
    } finally {
      await loop.close?.();
    }
  };

  main().then(
    () => {
      metrics.flush();
      stopAll();
      post({ type: 'shutdown-complete', progress: heartbeat.progress });
      process.exit(0);
    },
    (err: unknown) => {
      stopAll();
      post({ type: 'error', error: toWireError(err), fatal: true });
      // Rethrown outside the promise chain: the thread dies with it and the supervisor sees a crash.
      systemClock.defer(() => {
        throw err;
      });
    },
  );
  return { controller, link, server, metrics, controls };
}

/** The loop with PERF_INJECT's load added in front of every step. */
function withInjection(loop: WorkerLoop, injector: PerfInjector): WorkerLoop {
  return {
    intervalMs: loop.intervalMs,
    step: (signal) => {
      injector.beforeStep();
      return loop.step(signal);
    },
    ...(loop.close ? { close: () => loop.close?.() } : {}),
  };
}
