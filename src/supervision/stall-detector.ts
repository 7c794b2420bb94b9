// Pure stall detection (docs/ARCHITECTURE.md section 4): silence (no heartbeat) or frozen progress while
// heartbeats still arrive ("alive but not trading").
export interface LivenessObservation {
  readonly now: number;
  /** When the last heartbeat arrived, or when the worker was spawned if none has yet. */
  readonly lastHeartbeatAt: number;
  readonly hasHeartbeat: boolean;
  /** When the progress counter last changed (or the first heartbeat arrived). */
  readonly lastProgressAt: number;
  readonly progress: number;
}

export interface StallThresholds {
  readonly stallTimeoutMs: number;
  readonly progressTimeoutMs: number;
  readonly startTimeoutMs: number;
}

export type StallVerdict =
  | { readonly kind: 'no-heartbeat'; readonly silentMs: number }
  | { readonly kind: 'no-start'; readonly silentMs: number }
  | { readonly kind: 'no-progress'; readonly frozenMs: number; readonly progress: number };

export function detectStall(obs: LivenessObservation, t: StallThresholds): StallVerdict | undefined {
  const silentMs = obs.now - obs.lastHeartbeatAt;
  if (!obs.hasHeartbeat) return silentMs > t.startTimeoutMs ? { kind: 'no-start', silentMs } : undefined;
  if (silentMs > t.stallTimeoutMs) return { kind: 'no-heartbeat', silentMs };
  const frozenMs = obs.now - obs.lastProgressAt;
  if (frozenMs > t.progressTimeoutMs) return { kind: 'no-progress', frozenMs, progress: obs.progress };
  return undefined;
}

/** The console alert's wording of a verdict, e.g. `no heartbeat for 3.1 s`. */
export function describeStall(v: StallVerdict): string {
  switch (v.kind) {
    case 'no-heartbeat':
      return `no heartbeat for ${seconds(v.silentMs)} s`;
    case 'no-start':
      return `no first heartbeat ${seconds(v.silentMs)} s after spawn (STARTUP_TIMEOUT)`;
    case 'no-progress':
      return `no progress for ${seconds(v.frozenMs)} s (heartbeats arriving, progress stuck at ${v.progress})`;
    default: {
      const never: never = v;
      return never;
    }
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
