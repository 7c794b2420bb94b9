// HealthMonitor options: an all-optional interface, a defaults constant and one validation pass
// whose errors name the field.
import { DEFAULT_VERDICT_THRESHOLDS, type VerdictThresholds } from './health-verdict.js';
import { type Clock, systemClock } from '../resilience/clock.js';

export interface HealthMonitorOptions {
  /** Wall time and the evaluation tick started by start() (default systemClock); tests pass a fake. */
  clock?: Clock;
  /** STALL_TIMEOUT: a thread silent for longer is stalled (default 3000 = 3 × the 1 s heartbeat). */
  stallTimeoutMs?: number;
  /** STARTUP_TIMEOUT: a (re)started thread is `starting`, not stalled, this long before its first heartbeat (default 30 000). */
  startupTimeoutMs?: number;
  /** PROGRESS_TIMEOUT: heartbeats with unmoving progress for longer is frozen (default 120 000; Infinity disables). */
  progressTimeoutMs?: number;
  /** How often start() re-evaluates thread states and the verdict and fires events (default 1000). */
  evaluateIntervalMs?: number;
  /** Threads expected from the start; they count as "starting" until their first heartbeat. */
  threads?: readonly string[];
  /** Recent errors kept (default 50). */
  errorCapacity?: number;
  /** Longer error messages are cut (default 500 characters). */
  maxErrorMessageLength?: number;
  /** Equity points kept (default 1440). */
  equityCapacity?: number;
  /** Minimum spacing between equity points (default 60 000 ms). */
  equityMinIntervalMs?: number;
  /** The calls-per-minute window (default 60 000 ms). */
  rateWindowMs?: number;
  /** Its bucket width (default 1000 ms; must divide rateWindowMs). */
  rateBucketMs?: number;
  /** Distinct endpoint names tracked before the rest fold into "other" (default 64). */
  maxEndpoints?: number;
  thresholds?: Partial<VerdictThresholds>;
  /** Where a throwing event listener's error goes (default: dropped). */
  onListenerError?: (error: unknown) => void;
}

export interface ResolvedHealthMonitorOptions {
  readonly clock: Clock;
  readonly stallTimeoutMs: number;
  readonly startupTimeoutMs: number;
  readonly progressTimeoutMs: number;
  readonly evaluateIntervalMs: number;
  readonly threads: readonly string[];
  readonly errorCapacity: number;
  readonly maxErrorMessageLength: number;
  readonly equityCapacity: number;
  readonly equityMinIntervalMs: number;
  readonly rateWindowMs: number;
  readonly rateBucketMs: number;
  readonly maxEndpoints: number;
  readonly thresholds: VerdictThresholds;
  readonly onListenerError: (error: unknown) => void;
}

export const HEALTH_MONITOR_DEFAULTS = {
  stallTimeoutMs: 3000,
  startupTimeoutMs: 30_000,
  progressTimeoutMs: 120_000,
  evaluateIntervalMs: 1000,
  errorCapacity: 50,
  maxErrorMessageLength: 500,
  equityCapacity: 1440,
  equityMinIntervalMs: 60_000,
  rateWindowMs: 60_000,
  rateBucketMs: 1000,
  maxEndpoints: 64,
} as const;

function fail(field: string, rule: string, value: unknown): never {
  throw new RangeError(`HealthMonitor: option "${field}" must be ${rule}, got ${String(value)}`);
}

function positive(field: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) fail(field, 'a finite number > 0', value);
  return value;
}

function positiveInteger(field: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) fail(field, 'an integer > 0', value);
  return value;
}

export function resolveHealthMonitorOptions(o: HealthMonitorOptions = {}): ResolvedHealthMonitorOptions {
  const d = HEALTH_MONITOR_DEFAULTS;
  const progressTimeoutMs = o.progressTimeoutMs ?? d.progressTimeoutMs;
  if (!(progressTimeoutMs > 0)) fail('progressTimeoutMs', 'a number > 0 (Infinity disables it)', progressTimeoutMs);
  const equityMinIntervalMs = o.equityMinIntervalMs ?? d.equityMinIntervalMs;
  if (!(Number.isFinite(equityMinIntervalMs) && equityMinIntervalMs >= 0))
    fail('equityMinIntervalMs', 'a finite number >= 0', equityMinIntervalMs);
  const rateWindowMs = positive('rateWindowMs', o.rateWindowMs ?? d.rateWindowMs);
  const rateBucketMs = positive('rateBucketMs', o.rateBucketMs ?? d.rateBucketMs);
  if (!Number.isInteger(rateWindowMs / rateBucketMs))
    fail('rateBucketMs', `a divisor of rateWindowMs (${rateWindowMs})`, rateBucketMs);

  const t = o.thresholds ?? {};
  const D = DEFAULT_VERDICT_THRESHOLDS;
  const thresholds: VerdictThresholds = {
    degradedSuccessRate: t.degradedSuccessRate ?? D.degradedSuccessRate,
    unhealthySuccessRate: t.unhealthySuccessRate ?? D.unhealthySuccessRate,
    minCallsForRate: t.minCallsForRate ?? D.minCallsForRate,
    recentRestartWindowMs: t.recentRestartWindowMs ?? D.recentRestartWindowMs,
  };
  const pct = (field: keyof VerdictThresholds): void => {
    const v = thresholds[field];
    if (!(v >= 0 && v <= 100)) fail(`thresholds.${field}`, 'a percentage in [0, 100]', v);
  };
  pct('degradedSuccessRate');
  pct('unhealthySuccessRate');
  if (thresholds.unhealthySuccessRate > thresholds.degradedSuccessRate) {
    fail(
      'thresholds.unhealthySuccessRate',
      `<= thresholds.degradedSuccessRate (${thresholds.degradedSuccessRate})`,
      thresholds.unhealthySuccessRate,
    );
  }
  if (!(Number.isInteger(thresholds.minCallsForRate) && thresholds.minCallsForRate >= 1)) {
    fail('thresholds.minCallsForRate', 'an integer >= 1', thresholds.minCallsForRate);
  }
  if (!(thresholds.recentRestartWindowMs >= 0))
    fail('thresholds.recentRestartWindowMs', 'a number >= 0', thresholds.recentRestartWindowMs);

  const threads = o.threads ?? [];
  for (const name of threads)
    if (typeof name !== 'string' || name.length === 0) fail('threads', 'non-empty thread names', name);

  return {
    clock: o.clock ?? systemClock,
    stallTimeoutMs: positive('stallTimeoutMs', o.stallTimeoutMs ?? d.stallTimeoutMs),
    startupTimeoutMs: positive('startupTimeoutMs', o.startupTimeoutMs ?? d.startupTimeoutMs),
    progressTimeoutMs,
    evaluateIntervalMs: positive('evaluateIntervalMs', o.evaluateIntervalMs ?? d.evaluateIntervalMs),
    threads,
    errorCapacity: positiveInteger('errorCapacity', o.errorCapacity ?? d.errorCapacity),
    maxErrorMessageLength: positiveInteger('maxErrorMessageLength', o.maxErrorMessageLength ?? d.maxErrorMessageLength),
    equityCapacity: positiveInteger('equityCapacity', o.equityCapacity ?? d.equityCapacity),
    equityMinIntervalMs,
    rateWindowMs,
    rateBucketMs,
    maxEndpoints: positiveInteger('maxEndpoints', o.maxEndpoints ?? d.maxEndpoints),
    thresholds,
    onListenerError: o.onListenerError ?? (() => undefined),
  };
}
