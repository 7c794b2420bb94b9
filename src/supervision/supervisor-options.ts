// Supervisor options: an all-optional interface, defaults, and one validation pass at construction
// whose errors name the field. The options that are settings default to the schema's values
// (config/schema.ts, the only place a setting's default lives); supervisionSettings() maps them.
import { CONFIG_DEFAULTS, type AppConfig } from '../../config/schema.js';
import { type Clock, systemClock } from '../resilience/clock.js';

export interface SupervisorLogger {
  error(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export interface SupervisorOptions {
  readonly heartbeatIntervalMs?: number;
  /** No heartbeat for this long (after the first one) = stalled. */
  readonly stallTimeoutMs?: number;
  /** Progress counter frozen this long while heartbeats arrive = stalled. */
  readonly progressTimeoutMs?: number;
  /** STARTUP_TIMEOUT: time a fresh (or restarted) worker has to send its first heartbeat (module loading is slow on busy machines). */
  readonly startTimeoutMs?: number;
  /** How often stall detection runs. */
  readonly checkIntervalMs?: number;
  /** More restarts than this of one worker within `restartWindowMs` escalates. */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
  /** Second restart's delay; doubles per further restart within the window, up to `backoffMaxMs`. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Time workers get to finish their step after `shutdown` before they are terminated. */
  readonly shutdownTimeoutMs?: number;
  readonly metricsIntervalMs?: number;
  /** Timeout of every RPC call between workers. */
  readonly rpcTimeoutMs?: number;
  readonly logger?: SupervisorLogger;
  /** The console alert sink (`THREAD STALL ...` lines). Default: console.error. */
  readonly alert?: (line: string) => void;
  /** Wall time for heartbeat ages, and the timers for checks, restarts and timeouts. Default systemClock. */
  readonly clock?: Clock;
}

export interface ResolvedSupervisorOptions extends Required<Omit<SupervisorOptions, 'logger'>> {
  readonly logger: SupervisorLogger;
}

const silentLogger: SupervisorLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

type SupervisionKey =
  | 'heartbeatInterval'
  | 'stallTimeout'
  | 'progressTimeout'
  | 'startupTimeout'
  | 'maxRestarts'
  | 'restartWindow'
  | 'shutdownTimeout';

/** The supervision settings (seconds in the schema) as supervisor options (ms). */
export function supervisionSettings(config: Pick<AppConfig, SupervisionKey>) {
  return {
    heartbeatIntervalMs: config.heartbeatInterval * 1000,
    stallTimeoutMs: config.stallTimeout * 1000,
    progressTimeoutMs: config.progressTimeout * 1000,
    startTimeoutMs: config.startupTimeout * 1000,
    maxRestarts: config.maxRestarts,
    restartWindowMs: config.restartWindow * 1000,
    shutdownTimeoutMs: config.shutdownTimeout * 1000,
  } satisfies SupervisorOptions;
}

/** Internals no user tunes (not settings, so not in the schema). */
const FIXED_TIMINGS = {
  backoffInitialMs: 100,
  backoffMaxMs: 10_000,
  metricsIntervalMs: 5000,
  rpcTimeoutMs: 5000,
} as const;

export function resolveSupervisorOptions(options: SupervisorOptions = {}): ResolvedSupervisorOptions {
  const o = { ...supervisionSettings(CONFIG_DEFAULTS), ...FIXED_TIMINGS, ...stripUndefined(options) };
  const positive = [
    'heartbeatIntervalMs',
    'stallTimeoutMs',
    'progressTimeoutMs',
    'startTimeoutMs',
    'restartWindowMs',
    'backoffInitialMs',
    'backoffMaxMs',
    'shutdownTimeoutMs',
    'metricsIntervalMs',
    'rpcTimeoutMs',
  ] as const;
  for (const key of positive) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new RangeError(`${key} must be a positive number, got ${String(v)}`);
  }
  if (!Number.isInteger(o.maxRestarts) || o.maxRestarts < 0) {
    throw new RangeError(`maxRestarts must be a non-negative integer, got ${String(o.maxRestarts)}`);
  }
  if (o.stallTimeoutMs <= o.heartbeatIntervalMs) {
    throw new RangeError(
      `stallTimeoutMs (${o.stallTimeoutMs}) must exceed heartbeatIntervalMs (${o.heartbeatIntervalMs})`,
    );
  }
  if (o.startTimeoutMs <= o.heartbeatIntervalMs) {
    throw new RangeError(
      `startTimeoutMs (${o.startTimeoutMs}) must exceed heartbeatIntervalMs (${o.heartbeatIntervalMs})`,
    );
  }
  if (o.progressTimeoutMs <= o.heartbeatIntervalMs) {
    throw new RangeError(
      `progressTimeoutMs (${o.progressTimeoutMs}) must exceed heartbeatIntervalMs (${o.heartbeatIntervalMs})`,
    );
  }
  if (o.backoffMaxMs < o.backoffInitialMs) {
    throw new RangeError(`backoffMaxMs (${o.backoffMaxMs}) must be at least backoffInitialMs (${o.backoffInitialMs})`);
  }
  const checkIntervalMs = options.checkIntervalMs ?? Math.max(10, Math.min(250, o.heartbeatIntervalMs / 4));
  if (!(Number.isFinite(checkIntervalMs) && checkIntervalMs > 0)) {
    throw new RangeError(`checkIntervalMs must be a positive number, got ${String(options.checkIntervalMs)}`);
  }
  return {
    ...o,
    checkIntervalMs,
    logger: options.logger ?? silentLogger,
    alert: options.alert ?? ((line: string) => console.error(line)),
    clock: options.clock ?? systemClock,
  };
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
