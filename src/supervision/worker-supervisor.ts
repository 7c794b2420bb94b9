// Runs the long-lived workers: spawns them, wires executor ports, detects stalls and crashes,
// restarts with backoff inside a restart budget, escalates when the budget is exceeded, and stops
// everything gracefully. Its events are the health monitor's view of the threads.
import type { WorkerControlCommand, WorkerMessage } from '../protocol/messages.js';
import { EventEmitter } from './event.js';
import { wireExecutorClient } from './port-wiring.js';
import { RestartPolicy } from './restart-policy.js';
import { describeStall, detectStall, type StallVerdict } from './stall-detector.js';
import type {
  CrashEvent,
  EscalationEvent,
  FailureEvidence,
  HeartbeatEvent,
  ProtocolRejectEvent,
  TradeNotice,
  AccountScopeNotice,
  ReadyEvent,
  RestartEvent,
  StallEvent,
  SupervisorResult,
  WorkerErrorEvent,
  WorkerMetricsEvent,
  WorkerStatus,
} from './supervisor-events.js';
import {
  resolveSupervisorOptions,
  type ResolvedSupervisorOptions,
  type SupervisorOptions,
} from './supervisor-options.js';
import { WorkerHandle, describeWorkerError, type WorkerHandleEvents } from './worker-handle.js';
import { isLive, nextLifecycle, type LifecycleEvent, type WorkerLifecycle } from './worker-lifecycle.js';
import type { WorkerSpec } from './worker-spec.js';
import type { TimerHandle } from '../resilience/clock.js';

/** A worker's answer to an operator command. */
export interface ControlReply {
  readonly worker: string;
  readonly ok: boolean;
  readonly detail: string;
}

interface Slot {
  readonly spec: WorkerSpec;
  handle: WorkerHandle;
  lifecycle: WorkerLifecycle;
  readonly policy: RestartPolicy;
  restarts: number;
  restartTimer: TimerHandle | undefined;
  lastMetrics: WorkerMetricsEvent['metrics'] | undefined;
  everReady: boolean;
  /** Stall detection is suspended until then: a profile was requested (a heap snapshot blocks the thread). */
  profilingUntil: number;
}

interface PendingProfile {
  readonly slot: Slot;
  readonly resolve: (data: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: TimerHandle;
}

/** Extra stall grace on top of a profile's duration (a heap snapshot of a large heap takes seconds). */
const PROFILE_GRACE_MS = 30_000;

export class WorkerSupervisor {
  private readonly options: ResolvedSupervisorOptions;
  private readonly slots = new Map<string, Slot>();
  private checkTimer: TimerHandle | undefined;
  private stopping: Promise<SupervisorResult> | undefined;
  private resolveDone!: (r: SupervisorResult) => void;
  private readyWaiters: (() => void)[] = [];
  /** Operator commands sent to workers, waiting for their `control-result`. */
  private readonly pendingControls = new Map<number, { handle: WorkerHandle; settle: (r: ControlReply) => void }>();
  private nextControlId = 1;
  /** Incarnations injectCrash is terminating: their exit is pending, they take no more faults. */
  private readonly chaosKilled = new WeakSet<WorkerHandle>();
  private readonly pendingProfiles = new Map<number, PendingProfile>();
  private nextProfileId = 1;

  private readonly stallEmitter = new EventEmitter<StallEvent>();
  private readonly crashEmitter = new EventEmitter<CrashEvent>();
  private readonly restartEmitter = new EventEmitter<RestartEvent>();
  private readonly readyEmitter = new EventEmitter<ReadyEvent>();
  private readonly heartbeatEmitter = new EventEmitter<HeartbeatEvent>();
  private readonly metricsEmitter = new EventEmitter<WorkerMetricsEvent>();
  private readonly workerErrorEmitter = new EventEmitter<WorkerErrorEvent>();
  private readonly escalationEmitter = new EventEmitter<EscalationEvent>();
  private readonly rejectEmitter = new EventEmitter<ProtocolRejectEvent>();
  private readonly tradeEmitter = new EventEmitter<TradeNotice>();
  private readonly accountScopeEmitter = new EventEmitter<AccountScopeNotice>();

  readonly onStall = this.stallEmitter.on;
  readonly onCrash = this.crashEmitter.on;
  readonly onRestart = this.restartEmitter.on;
  readonly onReady = this.readyEmitter.on;
  readonly onHeartbeat = this.heartbeatEmitter.on;
  readonly onMetrics = this.metricsEmitter.on;
  readonly onWorkerError = this.workerErrorEmitter.on;
  /** The restart budget was exceeded; a graceful stop with a non-zero exit code follows. */
  readonly onEscalate = this.escalationEmitter.on;
  readonly onProtocolReject = this.rejectEmitter.on;
  /** Trading events from the executor (opened, stop moved, closed, rejected, kill switch, alert). */
  readonly onTrade = this.tradeEmitter.on;
  /** What on the account is not the bot's (foreign orders and positions, contested symbols). */
  readonly onAccountScope = this.accountScopeEmitter.on;

  /** Settles once the supervisor has stopped (requested or escalated). */
  readonly done: Promise<SupervisorResult>;

  constructor(
    private readonly specs: readonly WorkerSpec[],
    private readonly limiterBuffer: SharedArrayBuffer,
    options: SupervisorOptions = {},
  ) {
    this.options = resolveSupervisorOptions(options);
    const names = new Set<string>();
    for (const spec of specs) {
      if (names.has(spec.name)) throw new Error(`duplicate worker name '${spec.name}'`);
      names.add(spec.name);
    }
    if (specs.filter((s) => s.role === 'executor').length > 1)
      throw new Error('at most one worker may have role executor');
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Spawns every worker; resolves once each has completed the ready handshake. */
  async start(): Promise<void> {
    if (this.slots.size > 0) throw new Error('supervisor already started');
    const now = this.options.clock.now();
    // Executor first, so clients spawned after it are wired at once.
    const ordered = [...this.specs].sort((a, b) => Number(b.role === 'executor') - Number(a.role === 'executor'));
    for (const spec of ordered) {
      const slot: Slot = {
        spec,
        handle: undefined as unknown as WorkerHandle,
        lifecycle: { phase: 'starting', since: now, generation: 0 },
        policy: new RestartPolicy({
          maxRestarts: this.options.maxRestarts,
          windowMs: this.options.restartWindowMs,
          initialDelayMs: this.options.backoffInitialMs,
          maxDelayMs: this.options.backoffMaxMs,
        }),
        restarts: 0,
        restartTimer: undefined,
        lastMetrics: undefined,
        everReady: false,
        profilingUntil: Number.NEGATIVE_INFINITY,
      };
      this.slots.set(spec.name, slot);
      this.spawn(slot, 0);
    }
    // The check runs after the heartbeats already queued are handled (setImmediate follows the poll
    // phase): when this thread was busy, its timer fires first and would find every worker silent.
    const { clock } = this.options;
    this.checkTimer = clock.setInterval(() => clock.defer(() => this.checkStalls()), this.options.checkIntervalMs);
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.stopping !== undefined || [...this.slots.values()].every((s) => s.everReady)) resolve();
        else this.readyWaiters.push(check);
      };
      check();
    });
  }

  status(): WorkerStatus[] {
    return [...this.slots.values()].map((s) => ({
      name: s.spec.name,
      phase: s.lifecycle.phase,
      generation: s.handle.generation,
      restarts: s.restarts,
      lastHeartbeatAt: s.handle.hasHeartbeat ? s.handle.lastHeartbeatAt : null,
      progress: s.handle.progress,
      rejectedMessages: s.handle.rejectedMessages,
      lastMetrics: s.lastMetrics,
    }));
  }

  /** Names of the workers with `role` (e.g. the executor, for closes). */
  workersWithRole(role: WorkerSpec['role']): string[] {
    return this.specs.filter((s) => s.role === role).map((s) => s.name);
  }

  /**
   * Sends an operator command to the live incarnation of `worker` and resolves with its answer. Never
   * rejects: a worker that is down, exits before answering or overruns `timeoutMs` is an answer too.
   * A close that timed out may still complete in the executor (the reply says so).
   */
  control(worker: string, command: WorkerControlCommand, timeoutMs = 30_000): Promise<ControlReply> {
    const slot = this.liveSlot(worker);
    if (!slot)
      return Promise.resolve({
        worker,
        ok: false,
        detail: `${worker} has no live thread right now (restarting or stopped)`,
      });
    const id = this.nextControlId++;
    const handle = slot.handle;
    return new Promise<ControlReply>((resolve) => {
      const timer = this.options.clock.setTimeout(
        () =>
          settle({
            worker,
            ok: false,
            detail: `${worker} did not answer within ${timeoutMs} ms; the command may still complete`,
          }),
        timeoutMs,
      );
      const settle = (reply: ControlReply): void => {
        timer.cancel();
        this.pendingControls.delete(id);
        resolve(reply);
      };
      this.pendingControls.set(id, { handle, settle });
      handle.post({ type: 'control', id, command });
      void handle.exited.then(() => {
        if (this.pendingControls.has(id))
          settle({ worker, ok: false, detail: `${worker} exited before answering; the command may have completed` });
      });
    });
  }

  /**
   * Test-only (CHAOS_HOOK): makes the live incarnation of `worker` busy-loop for `busyMs`, so the
   * stall detector must find and replace it. False when the worker has no live thread.
   */
  injectStall(worker: string, busyMs: number): boolean {
    const slot = this.liveSlot(worker);
    if (!slot) return false;
    slot.handle.post({ type: 'chaos-stall', busyMs });
    return true;
  }

  /**
   * Test-only (CHAOS_HOOK): kills the live incarnation of `worker`'s thread. The slot is not told
   * first, so the exit takes the ordinary crash path (alert, restart policy, restart).
   */
  injectCrash(worker: string): boolean {
    const slot = this.liveSlot(worker);
    if (!slot) return false;
    this.chaosKilled.add(slot.handle);
    slot.handle.lastError = Object.assign(new Error('thread terminated by the chaos hook'), { name: 'ChaosCrash' });
    void slot.handle.terminate();
    return true;
  }

  /**
   * Asks `worker` for a CPU profile of `seconds` (or a heap snapshot) taken inside its thread;
   * resolves with the JSON text. Stall detection skips the thread until the answer (or the grace) ends,
   * so profiling never looks like a stall.
   */
  profile(worker: string, kind: 'cpu' | 'heap', seconds: number): Promise<string> {
    const slot = this.liveSlot(worker);
    if (!slot) return Promise.reject(new Error(`no live thread named '${worker}'`));
    const id = this.nextProfileId++;
    const budgetMs = (kind === 'cpu' ? seconds * 1000 : 0) + PROFILE_GRACE_MS;
    slot.profilingUntil = Math.max(slot.profilingUntil, this.options.clock.now() + budgetMs);
    return new Promise<string>((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        this.pendingProfiles.delete(id);
        reject(new Error(`${worker} sent no profile within ${budgetMs} ms`));
      }, budgetMs);
      this.pendingProfiles.set(id, { slot, resolve, reject, timer });
      slot.handle.post({ type: 'profile-request', id, kind, seconds });
    }).finally(() => {
      // One stall timeout more: the heartbeat a blocked thread owes may still be on its way.
      if (![...this.pendingProfiles.values()].some((p) => p.slot === slot))
        slot.profilingUntil = this.options.clock.now() + this.options.stallTimeoutMs;
    });
  }

  private liveSlot(worker: string): Slot | undefined {
    const slot = this.slots.get(worker);
    if (
      !slot ||
      this.stopping !== undefined ||
      !isLive(slot.lifecycle) ||
      slot.handle.isExited ||
      this.chaosKilled.has(slot.handle)
    )
      return undefined;
    return slot;
  }

  /** Graceful stop: `shutdown` to every worker, wait up to the shutdown timeout, then terminate. */
  stop(reason: string, exitCode = 0): Promise<SupervisorResult> {
    this.stopping ??= this.doStop(reason, exitCode);
    return this.stopping;
  }

  private async doStop(reason: string, exitCode: number): Promise<SupervisorResult> {
    const { logger } = this.options;
    this.checkTimer?.cancel();
    logger.info('stopping workers', { reason, shutdownTimeoutMs: this.options.shutdownTimeoutMs });
    const live: WorkerHandle[] = [];
    for (const slot of this.slots.values()) {
      slot.restartTimer?.cancel();
      this.transition(slot, { type: 'stop-requested' });
      if (!slot.handle.isExited) {
        live.push(slot.handle);
        slot.handle.post({ type: 'shutdown', reason });
      } else {
        this.transition(slot, { type: 'exited', exitCode: slot.handle.exitCode });
      }
    }
    let timer: TimerHandle | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = this.options.clock.setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs)),
    );
    await Promise.race([Promise.all(live.map((h) => h.exited)), timedOut]);
    timer?.cancel();
    const terminated = live.filter((h) => !h.isExited).map((h) => h.name);
    if (terminated.length > 0) logger.warn('terminating workers that did not stop in time', { workers: terminated });
    await Promise.all(live.map((h) => h.terminate()));
    const result: SupervisorResult = { reason, exitCode, terminated };
    logger.info('all workers stopped', { ...result });
    for (const wake of this.readyWaiters.splice(0)) wake();
    this.resolveDone(result);
    return result;
  }

  private spawn(slot: Slot, generation: number): void {
    const { spec } = slot;
    const events: WorkerHandleEvents = {
      message: (h, m) => this.onWorkerMessage(slot, h, m),
      rejected: (h, problem, description) => {
        this.options.logger.warn('rejected a malformed message from a worker', {
          worker: h.name,
          problem,
          description,
          count: h.rejectedMessages,
        });
        this.rejectEmitter.emit({ worker: h.name, problem, description, count: h.rejectedMessages });
      },
      error: (h, err) => this.options.logger.debug('worker error event', { worker: h.name, error: err.message }),
      exit: (h, code) => this.onWorkerExit(slot, h, code),
    };
    const handle = new WorkerHandle(spec, generation, this.options.clock, events);
    slot.handle = handle;
    handle.post({
      type: 'init',
      worker: spec.name,
      generation,
      limiterBuffer: this.limiterBuffer,
      config: {
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        metricsIntervalMs: this.options.metricsIntervalMs,
        rpcTimeoutMs: this.options.rpcTimeoutMs,
        stallInject: generation === 0 && spec.stallInject ? { ...spec.stallInject } : null,
        perfInject: generation === 0 && spec.perfInject ? { ...spec.perfInject } : null,
        settings: { ...(spec.settings ?? {}) },
      },
    });
    this.wire(slot);
  }

  private wire(slot: Slot): void {
    if (slot.spec.role === 'executor') {
      for (const other of this.slots.values()) {
        if (other.spec.role === 'client' && isLive(other.lifecycle)) wireExecutorClient(slot.handle, other.handle);
      }
    } else if (slot.spec.role === 'client') {
      const executor = [...this.slots.values()].find((s) => s.spec.role === 'executor');
      if (executor && isLive(executor.lifecycle)) wireExecutorClient(executor.handle, slot.handle);
    }
  }

  private onWorkerMessage(slot: Slot, handle: WorkerHandle, msg: WorkerMessage): void {
    if (slot.handle !== handle) return; // a late message from a replaced incarnation
    const { logger } = this.options;
    const worker = handle.name;
    const now = this.options.clock.now();
    switch (msg.type) {
      case 'ready':
        this.transition(slot, { type: 'ready' });
        slot.everReady = true;
        logger.info(`${worker} reported in`, { worker, generation: msg.generation, threadId: msg.threadId });
        this.readyEmitter.emit({ worker, generation: msg.generation, threadId: msg.threadId, at: now });
        for (const wake of this.readyWaiters.splice(0)) wake();
        return;
      case 'heartbeat':
        logger.debug(`${worker} heartbeat`, { worker, progress: msg.progress });
        this.heartbeatEmitter.emit({
          worker,
          generation: handle.generation,
          progress: msg.progress,
          at: now,
          ...(msg.runtime ? { runtime: msg.runtime } : {}),
        });
        return;
      case 'profile-result': {
        const pending = this.pendingProfiles.get(msg.id);
        if (!pending) return;
        this.pendingProfiles.delete(msg.id);
        pending.timer.cancel();
        if (msg.ok && msg.data !== undefined) pending.resolve(msg.data);
        else pending.reject(new Error(`${worker} could not take the profile: ${msg.error ?? 'no data'}`));
        return;
      }
      case 'metrics':
        slot.lastMetrics = msg;
        this.metricsEmitter.emit({ worker, generation: handle.generation, metrics: msg });
        return;
      case 'error':
        if (msg.fatal)
          handle.lastError = Object.assign(new Error(msg.error.message), {
            name: msg.error.name,
            ...(msg.error.code !== undefined ? { code: msg.error.code } : {}),
          });
        // A non-fatal error was absorbed (and logged) by the worker's loop: keep it out of the error log.
        logger[msg.fatal ? 'error' : 'debug'](`${worker} reported an error`, {
          worker,
          error: msg.error,
          fatal: msg.fatal,
        });
        this.workerErrorEmitter.emit({ worker, error: msg.error, fatal: msg.fatal, at: now });
        return;
      case 'log':
        logger[msg.level](msg.message, { worker, ...(msg.meta ?? {}) });
        return;
      case 'trade':
        this.tradeEmitter.emit({ worker, event: msg.event });
        return;
      case 'account-scope':
        this.accountScopeEmitter.emit({ worker, scope: msg.scope });
        return;
      case 'control-result': {
        const pending = this.pendingControls.get(msg.id);
        if (pending?.handle === handle) pending.settle({ worker, ok: msg.ok, detail: msg.detail });
        return;
      }
      case 'shutdown-complete':
        logger.info(`${worker} shut down`, { worker, progress: msg.progress });
        return;
      default:
        msg satisfies never; // exhaustive: a new variant fails to compile here
    }
  }

  private onWorkerExit(slot: Slot, handle: WorkerHandle, code: number): void {
    if (slot.handle !== handle) return; // a replaced incarnation we terminated ourselves
    if (slot.lifecycle.phase === 'stopping') {
      this.transition(slot, { type: 'exited', exitCode: code });
      return;
    }
    if (!isLive(slot.lifecycle)) return; // already handling a stall of this incarnation
    const reason = handle.lastError
      ? `${describeWorkerError(handle.lastError)} (exit code ${code})`
      : `exited unexpectedly with code ${code}`;
    void this.handleFailure(slot, { kind: 'crash', reason, exitCode: code });
  }

  private checkStalls(): void {
    if (this.stopping !== undefined) return;
    const now = this.options.clock.now();
    for (const slot of this.slots.values()) {
      if (!isLive(slot.lifecycle) || slot.handle.isExited) continue;
      if (now < slot.profilingUntil) continue; // asked for a profile: a heap snapshot blocks the thread
      const h = slot.handle;
      const verdict = detectStall(
        {
          now,
          lastHeartbeatAt: h.lastHeartbeatAt,
          hasHeartbeat: h.hasHeartbeat,
          lastProgressAt: h.lastProgressAt,
          progress: h.progress,
        },
        this.options,
      );
      if (verdict) void this.handleFailure(slot, { kind: 'stall', verdict });
    }
  }

  private evidence(slot: Slot): FailureEvidence {
    const h = slot.handle;
    return {
      lastHeartbeatAgeMs: h.hasHeartbeat ? this.options.clock.now() - h.lastHeartbeatAt : null,
      progress: h.progress,
      eventLoopUtilization: h.eluSinceLastHeartbeat() ?? null,
      generation: h.generation,
      restartCount: slot.restarts,
    };
  }

  private async handleFailure(
    slot: Slot,
    failure: { kind: 'stall'; verdict: StallVerdict } | { kind: 'crash'; reason: string; exitCode: number },
  ): Promise<void> {
    const { logger, alert } = this.options;
    const worker = slot.spec.name;
    const now = this.options.clock.now();
    const evidence = this.evidence(slot);
    const detail = failure.kind === 'stall' ? describeStall(failure.verdict) : failure.reason;
    alert(`${alertTitle(failure)} ${worker}: ${detail}`);
    if (failure.kind === 'stall') {
      this.transition(slot, { type: 'stalled', verdict: failure.verdict });
      this.stallEmitter.emit({ worker, verdict: failure.verdict, evidence, at: now });
    } else {
      this.transition(slot, { type: 'crashed', reason: failure.reason });
      this.crashEmitter.emit({ worker, reason: failure.reason, exitCode: failure.exitCode, evidence, at: now });
    }
    const decision = slot.policy.next(now);
    await slot.handle.terminate();
    if (this.stopping !== undefined) return;
    if (decision.verdict === 'give-up') {
      const windowS = this.options.restartWindowMs / 1000;
      logger.error('restart budget exceeded; stopping', {
        worker,
        reason: failure.kind,
        detail,
        evidence,
        failuresInWindow: decision.inWindow,
        restartWindowS: windowS,
      });
      alert(
        `THREAD ESCALATE ${worker}: ${decision.inWindow} failures within ${windowS} s exceeds MAX_RESTARTS=${this.options.maxRestarts}; stopping`,
      );
      this.escalationEmitter.emit({
        worker,
        failuresInWindow: decision.inWindow,
        windowMs: this.options.restartWindowMs,
        at: now,
      });
      void this.stop(`restart budget exceeded by ${worker}`, 1);
      return;
    }
    slot.restarts++;
    logger.warn('worker restart', {
      worker,
      reason: failure.kind,
      detail,
      evidence,
      restartCount: slot.restarts,
      inWindow: decision.inWindow,
      delayMs: decision.delayMs,
    });
    this.transition(slot, { type: 'restart-scheduled', delayMs: decision.delayMs });
    this.restartEmitter.emit({
      worker,
      reason: failure.kind,
      restartCount: slot.restarts,
      inWindow: decision.inWindow,
      delayMs: decision.delayMs,
      at: now,
    });
    slot.restartTimer = this.options.clock.setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.stopping !== undefined) return;
      this.transition(slot, { type: 'spawned' });
      this.spawn(slot, slot.handle.generation + 1);
    }, decision.delayMs);
  }

  private transition(slot: Slot, event: LifecycleEvent): void {
    slot.lifecycle = nextLifecycle(slot.lifecycle, event, this.options.clock.now());
  }
}

/** `THREAD START TIMEOUT` for a worker that never sent its first heartbeat, else STALL or CRASH. */
function alertTitle(failure: { kind: 'stall'; verdict: StallVerdict } | { kind: 'crash' }): string {
  if (failure.kind === 'crash') return 'THREAD CRASH';
  return failure.verdict.kind === 'no-start' ? 'THREAD START TIMEOUT' : 'THREAD STALL';
}
