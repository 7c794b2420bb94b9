// The supervisor-side handle of one worker incarnation (one thread): spawns it, validates what it
// posts, keeps its liveness evidence, and terminates it. A restart makes a new handle.
import { Worker, type TransferListItem } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { describeRaw, parseWorkerMessage, type SupervisorMessage, type WorkerMessage } from '../protocol/messages.js';
import type { Clock } from '../resilience/clock.js';
import type { WorkerSpec } from './worker-spec.js';

export interface WorkerHandleEvents {
  message(handle: WorkerHandle, message: WorkerMessage): void;
  rejected(handle: WorkerHandle, problem: string, description: string): void;
  error(handle: WorkerHandle, err: Error): void;
  exit(handle: WorkerHandle, exitCode: number): void;
}

export class WorkerHandle {
  readonly worker: Worker;
  readonly spawnedAt: number;
  readonly exited: Promise<number>;
  lastHeartbeatAt: number;
  hasHeartbeat = false;
  progress = 0;
  lastProgressAt: number;
  ready = false;
  rejectedMessages = 0;
  lastError: Error | undefined;
  exitCode: number | undefined;
  private eluMark: EventLoopUtilization | undefined;

  constructor(
    readonly spec: WorkerSpec,
    readonly generation: number,
    private readonly clock: Pick<Clock, 'now'>,
    events: WorkerHandleEvents,
  ) {
    this.spawnedAt = clock.now();
    this.lastHeartbeatAt = this.spawnedAt;
    this.lastProgressAt = this.spawnedAt;
    this.worker = new Worker(spec.script);
    this.worker.on('message', (raw: unknown) => {
      const parsed = parseWorkerMessage(raw);
      if (!parsed.ok) {
        this.rejectedMessages++;
        events.rejected(this, parsed.problem, describeRaw(raw));
        return;
      }
      if (parsed.message.type === 'heartbeat') this.noteHeartbeat(parsed.message.progress);
      if (parsed.message.type === 'ready') this.ready = true;
      events.message(this, parsed.message);
    });
    this.worker.on('messageerror', (err) => {
      this.rejectedMessages++;
      events.rejected(this, err.message, 'undeserializable message');
    });
    this.worker.on('error', (raw: unknown) => {
      // An uncaught error crosses the thread boundary by structured clone: a class Node does not
      // know (better-sqlite3's SqliteError) arrives as a bare object with only its own fields, so
      // rebuild what can be; a fatal report the worker posted first (with name and message) wins.
      const err = workerError(raw);
      if (this.lastError === undefined || !hasText(this.lastError)) this.lastError = err;
      events.error(this, err);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.exitCode = code;
        resolve(code);
        events.exit(this, code);
      });
    });
  }

  get name(): string {
    return this.spec.name;
  }

  get isExited(): boolean {
    return this.exitCode !== undefined;
  }

  post(message: SupervisorMessage, transfer: readonly TransferListItem[] = []): void {
    if (!this.isExited) this.worker.postMessage(message, transfer);
  }

  /** Event-loop utilisation since the last heartbeat (≈1 for a busy loop, ≈0 for a hung await). */
  eluSinceLastHeartbeat(): number | undefined {
    if (this.isExited) return undefined;
    try {
      return this.worker.performance.eventLoopUtilization(this.eluMark).utilization;
    } catch {
      return undefined;
    }
  }

  async terminate(): Promise<void> {
    if (this.isExited) return;
    await this.worker.terminate();
    await this.exited;
  }

  private noteHeartbeat(progress: number): void {
    const now = this.clock.now();
    if (!this.hasHeartbeat || progress !== this.progress) this.lastProgressAt = now;
    this.hasHeartbeat = true;
    this.progress = progress;
    this.lastHeartbeatAt = now;
    try {
      this.eluMark = this.worker.performance.eventLoopUtilization();
    } catch {
      this.eluMark = undefined;
    }
  }
}

/** An Error with a name and message from whatever a worker's `error` event delivered. */
export function workerError(raw: unknown): Error {
  if (raw instanceof Error && hasText(raw)) return raw;
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
  };
  const code = typeof o.code === 'string' || typeof o.code === 'number' ? String(o.code) : undefined;
  const message =
    typeof o.message === 'string' && o.message !== ''
      ? o.message
      : typeof raw === 'string'
        ? raw
        : code !== undefined
          ? `${code} (the worker's error lost its message crossing the thread boundary)`
          : `unrecognised error value ${safeJson(raw)}`;
  const name = typeof o.name === 'string' && o.name !== '' ? o.name : 'WorkerError';
  return Object.assign(new Error(message), { name, ...(code !== undefined ? { code } : {}) });
}

/** `Name CODE: message`, e.g. `StoreOpenError STORE_OPEN_FAILED: cannot open data/bot.sqlite: ...`. */
export function describeWorkerError(err: Error): string {
  const code = (err as { code?: unknown }).code;
  const withCode = typeof code === 'string' && !err.message.startsWith(code) ? ` ${code}` : '';
  return `${err.name}${withCode}: ${err.message}`;
}

function hasText(e: Error): boolean {
  return typeof e.name === 'string' && e.name !== '' && typeof e.message === 'string' && e.message !== '';
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
