// Per-thread liveness as the supervisor sees it: heartbeats, a progress counter that only the
// worker's main loop advances ("alive but not trading" shows as frozen progress while heartbeats
// still arrive), restarts and a graceful stop.

/**
 * - starting: registered or restarted, no heartbeat yet, still inside the start-up allowance
 *             (STARTUP_TIMEOUT: loading modules on a busy machine takes far longer than a heartbeat)
 * - running:  heartbeats arrive and progress moves
 * - stalled:  no heartbeat for longer than the stall timeout, or none at all within the start-up
 *             allowance (a start timeout)
 * - frozen:   heartbeats arrive but progress has not moved for longer than the progress timeout
 * - stopped:  shut down on purpose; not counted against overall health
 */
export type ThreadState = 'starting' | 'running' | 'stalled' | 'frozen' | 'stopped';

export interface ThreadTimeouts {
  readonly stallTimeoutMs: number;
  /** STARTUP_TIMEOUT: how long a (re)started thread may take to send its first heartbeat. */
  readonly startupTimeoutMs: number;
  readonly progressTimeoutMs: number;
}

/** Mutable per-thread state, created once per thread name and updated in place (no allocation). */
export class ThreadRecord {
  /** Since the last registration or restart: the stall grace runs from here. */
  startedAt: number;
  /** NaN until the first heartbeat ever. */
  lastHeartbeatAt = Number.NaN;
  heartbeats = 0;
  progress = 0;
  /** When progress last changed (or the first heartbeat after a start); NaN before that. */
  lastProgressAt = Number.NaN;
  restarts = 0;
  lastRestartAt = Number.NaN;
  lastRestartReason: string | null = null;
  stopped = false;
  /** Silence before this time is expected (a profile was requested: a heap snapshot blocks the thread). */
  silenceExpectedUntil = Number.NEGATIVE_INFINITY;
  /** The state the last evaluation tick saw, for change events. */
  lastSeenState: ThreadState = 'starting';

  constructor(
    readonly name: string,
    now: number,
  ) {
    this.startedAt = now;
  }

  heartbeat(now: number, progress: number): void {
    // The first beat after a (re)start restarts the progress clock: a respawned worker counts
    // from zero again, and that is not "frozen".
    if (!(this.lastHeartbeatAt >= this.startedAt) || progress !== this.progress) {
      this.lastProgressAt = now;
      this.progress = progress;
    }
    this.lastHeartbeatAt = now;
    this.heartbeats += 1;
    this.stopped = false;
  }

  restarted(now: number, reason: string): void {
    this.restarts += 1;
    this.lastRestartAt = now;
    this.lastRestartReason = reason;
    this.startedAt = now;
    this.stopped = false;
  }
}

/** True once a heartbeat arrived since the last (re)start. */
export function beatSinceStart(r: ThreadRecord): boolean {
  return r.lastHeartbeatAt >= r.startedAt;
}

export function threadState(r: ThreadRecord, now: number, t: ThreadTimeouts): ThreadState {
  if (r.stopped) return 'stopped';
  if (now < r.silenceExpectedUntil && beatSinceStart(r)) return 'running';
  if (!beatSinceStart(r)) return now - r.startedAt > t.startupTimeoutMs ? 'stalled' : 'starting';
  if (now - r.lastHeartbeatAt > t.stallTimeoutMs) return 'stalled';
  if (now - r.lastProgressAt > t.progressTimeoutMs) return 'frozen';
  return 'running';
}

/** How long the thread has been silent: since its last heartbeat, or since its start if none came. */
export function silenceMs(r: ThreadRecord, now: number): number {
  return now - (beatSinceStart(r) ? r.lastHeartbeatAt : r.startedAt);
}

/** A one-line explanation for a non-running state, used in reasons and alerts. */
export function describeThreadState(r: ThreadRecord, state: ThreadState, now: number): string | null {
  switch (state) {
    case 'running':
    case 'stopped':
      return null;
    case 'starting':
      return `thread ${r.name} starting: no heartbeat yet`;
    case 'stalled':
      return beatSinceStart(r)
        ? `thread ${r.name} stalled: no heartbeat for ${seconds(now - r.lastHeartbeatAt)} s`
        : `thread ${r.name} start timeout: no heartbeat ${seconds(now - r.startedAt)} s after start`;
    case 'frozen':
      return `thread ${r.name} frozen: progress stuck at ${r.progress} for ${seconds(now - r.lastProgressAt)} s`;
    default: {
      const never: never = state;
      return never;
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
