// One worker slot's lifecycle as a discriminated union; `nextLifecycle` is the only way it changes,
// and an exhaustive switch makes an unhandled phase a compile error.
import type { StallVerdict } from './stall-detector.js';

export type WorkerLifecycle =
  | { readonly phase: 'starting'; readonly since: number; readonly generation: number }
  | { readonly phase: 'running'; readonly since: number; readonly generation: number }
  | { readonly phase: 'stalled'; readonly since: number; readonly generation: number; readonly verdict: StallVerdict }
  | { readonly phase: 'crashed'; readonly since: number; readonly generation: number; readonly reason: string }
  | { readonly phase: 'restarting'; readonly since: number; readonly generation: number; readonly delayMs: number }
  | { readonly phase: 'stopping'; readonly since: number; readonly generation: number }
  | {
      readonly phase: 'stopped';
      readonly since: number;
      readonly generation: number;
      readonly exitCode: number | undefined;
    };

export type LifecycleEvent =
  | { readonly type: 'ready' }
  | { readonly type: 'stalled'; readonly verdict: StallVerdict }
  | { readonly type: 'crashed'; readonly reason: string }
  | { readonly type: 'restart-scheduled'; readonly delayMs: number }
  | { readonly type: 'spawned' }
  | { readonly type: 'stop-requested' }
  | { readonly type: 'exited'; readonly exitCode: number | undefined };

/** The state after `event`, or the same state when the event does not apply in this phase. */
export function nextLifecycle(s: WorkerLifecycle, e: LifecycleEvent, now: number): WorkerLifecycle {
  const g = s.generation;
  if (e.type === 'stop-requested') {
    return s.phase === 'stopped' ? s : { phase: 'stopping', since: now, generation: g };
  }
  switch (s.phase) {
    case 'starting':
    case 'running':
      if (e.type === 'ready' && s.phase === 'starting') return { phase: 'running', since: now, generation: g };
      if (e.type === 'stalled') return { phase: 'stalled', since: now, generation: g, verdict: e.verdict };
      if (e.type === 'crashed') return { phase: 'crashed', since: now, generation: g, reason: e.reason };
      if (e.type === 'exited')
        return { phase: 'crashed', since: now, generation: g, reason: `exited with code ${e.exitCode}` };
      return s;
    case 'stalled':
    case 'crashed':
      if (e.type === 'restart-scheduled') return { phase: 'restarting', since: now, generation: g, delayMs: e.delayMs };
      return s;
    case 'restarting':
      if (e.type === 'spawned') return { phase: 'starting', since: now, generation: g + 1 };
      return s;
    case 'stopping':
      if (e.type === 'exited') return { phase: 'stopped', since: now, generation: g, exitCode: e.exitCode };
      return s;
    case 'stopped':
      return s;
    default: {
      const never: never = s;
      return never;
    }
  }
}

/** Phases in which the slot's worker is expected to be alive and reporting. */
export function isLive(s: WorkerLifecycle): boolean {
  return s.phase === 'starting' || s.phase === 'running';
}
