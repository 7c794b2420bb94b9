// Every message that crosses a thread boundary, declared once and imported by both sides
// (supervisor and workers). Each direction is a tagged union on `type`; receivers validate with
// these schemas because a port delivers whatever a buggy or stale peer posted.
import { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import { ENDPOINTS, type EndpointName } from '../exchange/endpoints.js';
import { wireErrorSchema } from './wire-error.js';
import type { TradeEvent } from './trade-event.js';
import type { AppConfig } from '../../config/schema.js';

const finite = z.number().finite();
const nonNegInt = z.number().int().nonnegative();
const messagePort = z.custom<MessagePort>((v) => v instanceof MessagePort, { message: 'expected a MessagePort' });
const sharedBuffer = z.custom<SharedArrayBuffer>((v) => v instanceof SharedArrayBuffer, {
  message: 'expected a SharedArrayBuffer',
});
const endpointNames = Object.keys(ENDPOINTS) as [EndpointName, ...EndpointName[]];

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * One exchange call's outcome as the supervisor reads it (API statistics, latency percentiles):
 * `CallRecord` in exchange/call-record.ts without the failure code and HTTP status, which stay in
 * the worker (MetricsSender cuts them).
 */
export const callRecordSchema = z.object({
  endpoint: z.enum(endpointNames),
  ok: z.boolean(),
  durationMs: finite.nonnegative(),
  rateLimited: z.boolean(),
});
export type CallSample = z.infer<typeof callRecordSchema>;

/** Settings a worker needs at start; loop-specific values travel in `settings`. */
export const workerRuntimeConfigSchema = z.object({
  heartbeatIntervalMs: finite.positive(),
  metricsIntervalMs: finite.positive(),
  /** Timeout of every RPC call to the executor. */
  rpcTimeoutMs: finite.positive(),
  /** STALL_INJECT for this worker: busy-loop `busyMs` once, `afterMs` after start. */
  stallInject: z.object({ afterMs: finite.nonnegative(), busyMs: finite.positive() }).nullable(),
  /** PERF_INJECT for this worker (paper tests and demos): load added before every loop step. */
  perfInject: z
    .object({
      blockMs: finite.nonnegative(),
      leakMb: finite.nonnegative(),
      /** Ms after start when the injection stops; null = never. */
      untilMs: finite.positive().nullable(),
    })
    .nullable()
    .optional(),
  /**
   * Plain data; each bot worker checks its own with its schema below (parseWorkerSettings), test
   * fixture workers read what they like.
   */
  settings: z.record(z.string(), z.unknown()),
});
export type WorkerRuntimeConfig = z.infer<typeof workerRuntimeConfigSchema>;

// ---- worker settings: the `settings` of each bot worker's `init` ---------------------------
// Settings a worker reads keep their names and types from config/schema.ts, so a misspelt key is a
// compile error where the supervisor builds them (supervisor/worker-specs.ts); beside them travel
// what the supervisor resolves at start (venue, journal file, bot id). `.strict()`: a key the worker
// does not read is refused at init instead of ignored while the worker runs on something else. No
// defaults here: they live only in the schema, and convict has validated every value.

type SchemaFields<K extends keyof AppConfig> = { [P in K]: z.ZodType<AppConfig[P]> };
const schemaFields = <K extends keyof AppConfig>(fields: SchemaFields<K>): SchemaFields<K> => fields;

/** Where and as whom to trade: the embedded simulator or KuCoin (supervisor/venue.ts). */
const venueSettingsSchema = z
  .object({
    url: z.string().min(1),
    apiKey: z.string(),
    apiSecret: z.string(),
    apiPassphrase: z.string(),
    apiKeyVersion: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  })
  .strict();
export type VenueSettings = z.infer<typeof venueSettingsSchema>;

/** Every bot worker talks to the exchange. */
const exchangeFields = {
  venue: venueSettingsSchema,
  /** Retries of an idempotent call inside the exchange client (0 where the caller retries itself). */
  clientRetries: nonNegInt,
};

const scannerSettingsSchema = z
  .object({
    ...exchangeFields,
    ...schemaFields({
      checkInterval: finite.positive(),
      klineGranularity: finite,
      minTurnover: finite,
      minConfidence: finite,
      maxOpenPositions: nonNegInt,
    }),
  })
  .strict();
export type ScannerSettings = z.infer<typeof scannerSettingsSchema>;

const positionMonitorSettingsSchema = z
  .object({
    ...exchangeFields,
    ...schemaFields({
      positionUpdateInterval: finite.positive(),
      liveLoopInterval: finite.positive(),
      trailingStopPercentage: finite.positive(),
    }),
  })
  .strict();
export type PositionMonitorSettings = z.infer<typeof positionMonitorSettingsSchema>;

/**
 * REDIS_URL set: the executor trades only symbols whose lease this process holds. The shape of
 * ClusterSettings (src/cluster/cluster-settings.ts): worker-specs.ts and the executor entry assign one
 * to the other, so tsc keeps the two equal without this file importing src/cluster.
 */
const clusterSettingsSchema = z
  .object({ redisUrl: z.string().min(1), accountUid: z.string(), processId: z.string(), leaseTtlMs: finite.positive() })
  .strict();

const executorSettingsSchema = z
  .object({
    ...exchangeFields,
    ...schemaFields({
      maxOpenPositions: nonNegInt,
      leverage: finite.positive(),
      riskPerTrade: finite.positive(),
      maxNotional: finite.positive(),
      dailyLossLimit: finite.positive(),
      foreignPositions: z.enum(['ignore', 'protect']),
      /** The executor reconciles every few position updates (src/config/derived-intervals.ts). */
      positionUpdateInterval: finite.positive(),
    }),
    /** The SQLite journal this process writes (supervisor/journal-file.ts). */
    journalFile: z.string().min(1),
    /** BOT_ID, or the id the journal has kept since it was created: the clientOid namespace. */
    botId: z.string().min(1),
    /** Null: this process trades alone (REDIS_URL empty). */
    cluster: clusterSettingsSchema.nullable(),
  })
  .strict();
export type ExecutorSettings = z.infer<typeof executorSettingsSchema>;

/** Each bot worker's settings schema, by worker name. */
export const WORKER_SETTINGS_SCHEMAS = {
  scanner: scannerSettingsSchema,
  'position-monitor': positionMonitorSettingsSchema,
  'order-executor': executorSettingsSchema,
} as const;
export type BotWorkerName = keyof typeof WORKER_SETTINGS_SCHEMAS;

/** A bot worker's settings from `init`, checked; throws naming every missing, mistyped or unknown key. */
export function parseWorkerSettings<W extends BotWorkerName>(
  worker: W,
  raw: unknown,
): z.infer<(typeof WORKER_SETTINGS_SCHEMAS)[W]> {
  const result = WORKER_SETTINGS_SCHEMAS[worker].safeParse(raw);
  if (result.success) return result.data as z.infer<(typeof WORKER_SETTINGS_SCHEMAS)[W]>;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new TypeError(`${worker} settings rejected: ${problems}`);
}

// ---- supervisor -> worker ------------------------------------------------------------------

export const initMessageSchema = z.object({
  type: z.literal('init'),
  worker: z.string().min(1),
  /** Incarnation number: 0 for the first spawn, +1 per restart. */
  generation: nonNegInt,
  /** The SharedArrayBuffer rate limiter (see resilience/shared-limiter-layout.ts). */
  limiterBuffer: sharedBuffer,
  config: workerRuntimeConfigSchema,
});

/** To a client of the executor: talk to the executor (incarnation `generation`) over `port`. */
export const executorPortMessageSchema = z.object({
  type: z.literal('executor-port'),
  port: messagePort,
  generation: nonNegInt,
});

/** To the executor: serve the executor API on `port`; `peer` is on the other end. */
export const servePortMessageSchema = z.object({
  type: z.literal('serve-port'),
  port: messagePort,
  peer: z.string().min(1),
});

export const shutdownMessageSchema = z.object({
  type: z.literal('shutdown'),
  reason: z.string(),
});

/** Test-only (CHAOS_HOOK): busy-loop the worker's event loop for `busyMs`, as a runaway step would. */
export const chaosStallMessageSchema = z.object({
  type: z.literal('chaos-stall'),
  busyMs: finite.positive(),
});

/** On demand (`npm run profile`): take a CPU profile for `seconds`, or a heap snapshot, inside the thread. */
export const profileRequestMessageSchema = z.object({
  type: z.literal('profile-request'),
  id: nonNegInt,
  kind: z.enum(['cpu', 'heap']),
  seconds: finite.positive().max(600),
});

/**
 * An operator command a worker carries out (see src/control/): `close` and `close-all` go to the
 * executor (reduce-only, one close per position), `breaker-reset` to every worker (each has its own
 * exchange breaker). Pause and resume never cross a thread: the executor reads them from the journal.
 */
export const workerControlCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('close'), symbol: z.string().min(1).max(40) }),
  z.object({ kind: z.literal('close-all') }),
  z.object({ kind: z.literal('breaker-reset') }),
]);
export type WorkerControlCommand = z.infer<typeof workerControlCommandSchema>;

/** Carry out an operator command; the worker answers with `control-result` carrying the same `id`. */
export const controlMessageSchema = z.object({
  type: z.literal('control'),
  id: nonNegInt,
  command: workerControlCommandSchema,
});

export const supervisorMessageSchema = z.discriminatedUnion('type', [
  initMessageSchema,
  executorPortMessageSchema,
  servePortMessageSchema,
  shutdownMessageSchema,
  chaosStallMessageSchema,
  profileRequestMessageSchema,
  controlMessageSchema,
]);
export type SupervisorMessage = z.infer<typeof supervisorMessageSchema>;
export type InitMessage = z.infer<typeof initMessageSchema>;

// ---- worker -> supervisor ------------------------------------------------------------------

/** The handshake: the worker has applied `init` and its loop is about to start. */
export const readyMessageSchema = z.object({
  type: z.literal('ready'),
  worker: z.string().min(1),
  generation: nonNegInt,
  threadId: nonNegInt,
});

/**
 * One thread's runtime figures over one sampling interval (perf/runtime-sampler.ts): event-loop
 * delay percentiles, event-loop utilisation, V8 heap, and GC time inside the interval.
 */
export const runtimeSampleSchema = z.object({
  /** Sender's clock (epoch ms) at the end of the interval. */
  at: finite,
  intervalMs: finite.nonnegative(),
  eldP50Ms: finite.nonnegative(),
  eldP99Ms: finite.nonnegative(),
  eldMaxMs: finite.nonnegative(),
  /** Event-loop utilisation over the interval, 0..1. */
  elu: finite.min(0).max(1),
  heapUsedMb: finite.nonnegative(),
  heapLimitMb: finite.nonnegative(),
  /** Time spent in GC pauses during the interval. */
  gcMs: finite.nonnegative(),
});
export type RuntimeSample = z.infer<typeof runtimeSampleSchema>;

/** Indicator pool thread -> scanner (through piscina's 'message' event): that thread's figures. */
export const poolRuntimeMessageSchema = z.object({
  type: z.literal('pool-runtime'),
  threadId: nonNegInt,
  sample: runtimeSampleSchema,
});
export type PoolRuntimeMessage = z.infer<typeof poolRuntimeMessageSchema>;

/**
 * Liveness plus proof of work: `progress` only advances when the main loop completes a step. No
 * send time: the supervisor judges silence by its own clock, at arrival.
 */
export const heartbeatMessageSchema = z.object({
  type: z.literal('heartbeat'),
  progress: nonNegInt,
  /**
   * Runtime figures by thread name: the worker's own, plus threads it owns (the scanner reports
   * its piscina pool as `indicator-pool`). Kept apart from the liveness fields on purpose.
   */
  runtime: z.record(z.string(), runtimeSampleSchema).optional(),
});

export const metricsMessageSchema = z.object({
  type: z.literal('metrics'),
  /** Monotonic counts since the worker started (scans, scanErrors, positionUpdates, ...). */
  counters: z.record(z.string(), finite),
  /** Point-in-time values (openPositions, lastScanMs, ...). */
  gauges: z.record(z.string(), finite),
  /** Exchange calls completed since the previous metrics message. */
  calls: z.array(callRecordSchema),
  /** Durations (ms) observed since the previous message, by name (reaction, scanQuotaWait, ...). */
  timings: z.record(z.string(), z.array(finite.nonnegative())).optional(),
});

export const errorMessageSchema = z.object({
  type: z.literal('error'),
  error: wireErrorSchema,
  /** True when the worker is about to exit because of it. */
  fatal: z.boolean(),
});

export const logMessageSchema = z.object({
  type: z.literal('log'),
  level: z.enum(LOG_LEVELS),
  message: z.string(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/** Sent after the loop finished its step and the worker flushed; the thread exits next. */
export const shutdownCompleteMessageSchema = z.object({
  type: z.literal('shutdown-complete'),
  progress: nonNegInt,
});

/** Minimal shape every trade event must have; the full union is TradeEvent in trade-event.ts. */
const tradeEventShape = z
  .object({
    type: z.enum(['opened', 'adopted', 'stop-moved', 'closed', 'rejected', 'kill-switch', 'alert', 'health']),
    symbol: z.string(),
    at: finite,
  })
  .passthrough();

/** A trading event from the executor (opened, stop moved, closed, ...) for the console, health and dashboard. */
export const tradeMessageSchema = z.object({
  type: z.literal('trade'),
  event: z.custom<TradeEvent>((v) => tradeEventShape.safeParse(v).success, { message: 'expected a trade event' }),
});

/**
 * From the executor after each reconciliation: what on the account is not the bot's, as far as the
 * supervisor reads it (/health, the another-bot alert): symbols only. The executor keeps the
 * details (executor/account-scope.ts, AccountScopeSnapshot; accountScopeNotice cuts it to this).
 */
export const accountScopeMessageSchema = z.object({
  type: z.literal('account-scope'),
  scope: z.object({
    botId: z.string().min(1),
    foreignOrders: nonNegInt,
    foreignPositions: z.array(z.object({ symbol: z.string() })),
    contested: z.array(z.object({ symbol: z.string() })),
  }),
});
/** The answer to `profile-request`: the profile (JSON text) or why none could be taken. */
export const profileResultMessageSchema = z.object({
  type: z.literal('profile-result'),
  id: nonNegInt,
  ok: z.boolean(),
  /** .cpuprofile or .heapsnapshot JSON text when ok. */
  data: z.string().optional(),
  error: z.string().optional(),
});

/** The answer to a `control` message: `detail` says what was done (or why it could not be). */
export const controlResultMessageSchema = z.object({
  type: z.literal('control-result'),
  id: nonNegInt,
  ok: z.boolean(),
  detail: z.string().max(2000),
});

export const workerMessageSchema = z.discriminatedUnion('type', [
  profileResultMessageSchema,
  tradeMessageSchema,
  controlResultMessageSchema,
  accountScopeMessageSchema,
  readyMessageSchema,
  heartbeatMessageSchema,
  metricsMessageSchema,
  errorMessageSchema,
  logMessageSchema,
  shutdownCompleteMessageSchema,
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
export type TradeMessage = z.infer<typeof tradeMessageSchema>;
export type AccountScopeMessage = z.infer<typeof accountScopeMessageSchema>;
export type MetricsMessage = z.infer<typeof metricsMessageSchema>;

export type ParseResult<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly problem: string };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): ParseResult<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const problem = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, problem };
}

export function parseWorkerMessage(raw: unknown): ParseResult<WorkerMessage> {
  return parseWith(workerMessageSchema, raw);
}

export function parseSupervisorMessage(raw: unknown): ParseResult<SupervisorMessage> {
  return parseWith(supervisorMessageSchema, raw);
}

/** A short, bounded description of a rejected message for logs (never the whole payload). */
export function describeRaw(raw: unknown): string {
  if (raw === null || typeof raw !== 'object') return `${typeof raw}`;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' ? `type '${type.slice(0, 40)}'` : 'object without type';
}
