// The thread collector: one ThreadRecord per worker (heartbeats, progress, restarts, a graceful
// stop, an expected silence), judged into states at report and evaluation time.
import { type ThreadReport, round } from './health-report.js';
import type { VerdictThread } from './health-verdict.js';
import {
  type ThreadState,
  type ThreadTimeouts,
  ThreadRecord,
  beatSinceStart,
  describeThreadState,
  silenceMs,
  threadState,
} from './thread-health.js';

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

/** The threads as the report and the verdict see them at one instant. */
export interface ThreadsSnapshot {
  readonly report: Record<string, ThreadReport>;
  readonly verdict: VerdictThread[];
}

export class ThreadCollector {
  private readonly records = new Map<string, ThreadRecord>();

  constructor(private readonly timeouts: ThreadTimeouts) {}

  /** Declares a thread to expect; it is "starting" until its first heartbeat. Returns true when it was new. */
  register(thread: string, now: number): boolean {
    if (this.records.has(thread)) return false;
    this.records.set(thread, new ThreadRecord(thread, now));
    return true;
  }

  /** `progress` is a counter only the worker's main loop advances. */
  heartbeat(thread: string, progress: number, now: number): void {
    this.record(thread, now).heartbeat(now, progress);
  }

  /** The supervisor respawned `thread`; it gets the start-up allowance again until its first heartbeat. */
  restarted(thread: string, reason: string, now: number): void {
    this.record(thread, now).restarted(now, reason);
  }

  /** Silence until `untilMs` is not a stall (a heap snapshot blocks the thread). Returns true when the thread is known. */
  expectSilence(thread: string, untilMs: number): boolean {
    const r = this.records.get(thread);
    if (r === undefined) return false;
    r.silenceExpectedUntil = untilMs;
    return true;
  }

  /** The thread shut down on purpose. Returns true when that changed anything. */
  stopped(thread: string): boolean {
    const r = this.records.get(thread);
    if (r === undefined || r.stopped) return false;
    r.stopped = true;
    return true;
  }

  snapshot(now: number): ThreadsSnapshot {
    const report: Record<string, ThreadReport> = {};
    const verdict: VerdictThread[] = [];
    for (const r of this.records.values()) {
      const state = threadState(r, now, this.timeouts);
      const reason = describeThreadState(r, state, now);
      report[r.name] = {
        last_heartbeat_age_s: Number.isNaN(r.lastHeartbeatAt) ? null : round((now - r.lastHeartbeatAt) / 1000, 1),
        progress: r.progress,
        progress_age_s: Number.isNaN(r.lastProgressAt) ? null : round((now - r.lastProgressAt) / 1000, 1),
        restarts: r.restarts,
        last_restart_reason: r.lastRestartReason,
        state,
        healthy: state === 'running',
        reason,
      };
      verdict.push(verdictThread(r, state, reason, now));
    }
    return { report, verdict };
  }

  /** Re-judges every thread, calls `onChange` for each whose state moved since the last call, and returns them for the verdict. */
  evaluate(now: number, onChange: (change: ThreadStateChange) => void): VerdictThread[] {
    const verdict: VerdictThread[] = [];
    for (const r of this.records.values()) {
      const state = threadState(r, now, this.timeouts);
      const reason = describeThreadState(r, state, now);
      if (state !== r.lastSeenState) {
        const previous = r.lastSeenState;
        r.lastSeenState = state;
        const startTimedOut = state === 'stalled' && !beatSinceStart(r);
        onChange({
          thread: r.name,
          previous,
          current: state,
          reason,
          silentForMs: silenceMs(r, now),
          startTimedOut,
          at: now,
        });
      }
      verdict.push(verdictThread(r, state, reason, now));
    }
    return verdict;
  }

  /** The thread's record, created on first mention (a thread may heartbeat before it is registered). */
  private record(thread: string, now: number): ThreadRecord {
    let r = this.records.get(thread);
    if (r === undefined) {
      r = new ThreadRecord(thread, now);
      this.records.set(thread, r);
    }
    return r;
  }
}

function verdictThread(r: ThreadRecord, state: ThreadState, reason: string | null, now: number): VerdictThread {
  return {
    name: r.name,
    state,
    reason,
    lastRestartAgeMs: Number.isNaN(r.lastRestartAt) ? Number.NaN : now - r.lastRestartAt,
    restarts: r.restarts,
    lastRestartReason: r.lastRestartReason,
  };
}
