// The JSON health report: plain data only (JSON-serialisable, structured-clone safe), snake_case
// keys as the original bot's report had. Top-level keys are exactly those of HealthReport.
import type { ThreadState } from './thread-health.js';

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'UNHEALTHY';

export const HEALTH_REPORT_KEYS = [
  'uptime',
  'api',
  'positions',
  'orders',
  'performance',
  'threads',
  'recent_errors',
  'alerts',
  'overall_health',
] as const;

export interface UptimeReport {
  readonly seconds: number;
  /** e.g. "2d 03h 04m 05s" or "03h 04m 05s". */
  readonly formatted: string;
  /** ISO 8601 time the monitor was created. */
  readonly started_at: string;
  /** ISO 8601 time this report was taken. */
  readonly now: string;
}

export interface ApiReport {
  readonly total_calls: number;
  readonly successful_calls: number;
  /** Every call that did not succeed, rate-limited ones included. */
  readonly failed_calls: number;
  /** Calls refused for quota (429000); a subset of failed_calls. */
  readonly rate_limited_calls: number;
  /** Percent of all calls since start that succeeded, 2 decimals; 100 before the first call. */
  readonly success_rate: number;
  /** Calls in the last 60 s (true sliding window, uncapped). */
  readonly calls_per_minute: number;
  /** Percent successful in the last 60 s; null when no call in that window. */
  readonly recent_success_rate: number | null;
  readonly rate_limited_last_minute: number;
  /** Mean call duration since start, ms, 2 decimals; 0 before the first call. */
  readonly avg_latency_ms: number;
  /** Seconds since the last call, null before the first. */
  readonly last_call_age_s: number | null;
  /** Per endpoint (first `maxEndpoints` distinct names; the rest fold into "other"). */
  readonly by_endpoint: Readonly<Record<string, EndpointReport>>;
}

export interface EndpointReport {
  readonly calls: number;
  readonly failed: number;
  readonly rate_limited: number;
  readonly avg_latency_ms: number;
}

export interface PositionsReport {
  readonly opened: number;
  readonly closed: number;
  /** Open now: opened − closed, overridden by setOpenPositions (the exchange is the truth). */
  readonly open: number;
  /** Flat on the exchange without exit fills: not closed, no PnL booked until their fills are found. */
  readonly unsettled: number;
  /** Closed with pnl > 0. */
  readonly wins: number;
  /** Closed with pnl < 0. */
  readonly losses: number;
  /** Closed with pnl exactly 0; in neither wins nor losses. */
  readonly breakeven: number;
  /** Percent wins / (wins + losses), 2 decimals; 0 before the first decided trade. */
  readonly win_rate: number;
  /** Realised PnL in USDT, summed with compensation and rounded to 8 decimals. */
  readonly total_pnl: number;
  /** The latest equity in USDT, null before the first reading. */
  readonly equity: number | null;
  /**
   * Positions on the account the bot did not open (a person's, another bot's): never adopted,
   * closed, trailed or resized, and no entry opens on their symbols. Not in the counts above.
   */
  readonly foreign: ForeignPositionsReport;
}

export interface ForeignPositionsReport {
  readonly count: number;
  /** Sorted. */
  readonly symbols: readonly string[];
}

/** The bot's namespace on the account and what it leaves alone. */
export interface OrdersReport {
  /** Live orders and untriggered stop orders on the account that are not the bot's (never touched). */
  readonly foreign: number;
  /** Every clientOid the bot sends starts with this (kb_<BOT_ID>_); null before the executor reported. */
  readonly client_oid_prefix: string | null;
  /** Symbols where another bot trades the same account (entries there are stopped). Sorted. */
  readonly contested_symbols: readonly string[];
}

/** Percentiles of one measured duration over the performance window, ms. */
export interface PercentilesReport {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** One optimisation suggestion (see src/perf/suggestion-rules.ts). */
export interface SuggestionReport {
  readonly id: string;
  readonly severity: 'info' | 'warning' | 'critical';
  readonly thread: string;
  readonly evidence: string;
  readonly advice: string;
  /** ISO 8601. */
  readonly raised_at: string;
}

export interface PerformanceReport {
  readonly scans_completed: number;
  readonly scan_errors: number;
  /** 2 decimals; 0 before the first scan. */
  readonly avg_scan_duration_ms: number;
  readonly last_scan_duration_ms: number | null;
  readonly max_scan_duration_ms: number;
  readonly position_updates: number;
  readonly position_update_errors: number;
  // Filled by the performance advisor (src/perf/) in the running bot; absent from a bare monitor.
  /** Over the performance window (SUGGESTION_WINDOW). */
  readonly window_s?: number;
  /** API latency percentiles per endpoint. */
  readonly api_latency_ms?: Readonly<Record<string, PercentilesReport>>;
  /** Scan time split, per exchange call (quota wait, fetch) and per symbol (indicator compute). */
  readonly scan_phases_ms?: {
    readonly quota_wait: PercentilesReport;
    readonly fetch: PercentilesReport;
    readonly indicator_compute: PercentilesReport;
  };
  /** Entry order round trip from the journaled intent: to the exchange's ack, to the confirmed fill. */
  readonly order_round_trip_ms?: { readonly ack: PercentilesReport; readonly fill: PercentilesReport };
  /** A streamed price crossing a stop or take-profit -> the close requested. */
  readonly reaction_time_ms?: PercentilesReport;
  /** Active optimisation suggestions, worst first; empty when nothing is wrong. */
  readonly suggestions?: readonly SuggestionReport[];
}

/** A thread's runtime figures over the last minute (src/perf/runtime-sampler.ts). */
export interface ThreadRuntimeReport {
  /** Median of the per-interval medians, highest per-interval p99, highest delay. */
  readonly event_loop_delay_ms: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Event-loop utilisation, 0..1. */
  readonly elu: number;
  readonly heap_used_mb: number;
  readonly heap_limit_mb: number;
  readonly gc_ms_per_min: number;
}

export interface ThreadReport {
  /** Seconds since the last heartbeat ever, 1 decimal; null before the first. */
  readonly last_heartbeat_age_s: number | null;
  readonly progress: number;
  /** Seconds since progress last moved, 1 decimal; null before the first heartbeat. */
  readonly progress_age_s: number | null;
  readonly restarts: number;
  readonly last_restart_reason: string | null;
  readonly state: ThreadState;
  /** True only while running (heartbeat age ≤ stall timeout and progress moving). */
  readonly healthy: boolean;
  /** Why it is not running, or null. */
  readonly reason: string | null;
  /** Runtime figures, once the thread sent some. */
  readonly runtime?: ThreadRuntimeReport;
}

export interface RecentErrorReport {
  /** ISO 8601. */
  readonly time: string;
  readonly thread: string;
  readonly type: string;
  readonly message: string;
}

export interface AlertsReport {
  /** Alerts the webhook never accepted (after every retry, or refused outright, e.g. a redirect). */
  readonly delivery_failures: number;
  /** Why the latest one failed (target origin and error, never the URL's secret parts), or null. */
  readonly last_delivery_error: string | null;
}

export interface OverallHealth {
  readonly status: HealthStatus;
  /** Empty when HEALTHY; otherwise every reason found, the worst first. */
  readonly reasons: readonly string[];
}

export interface HealthReport {
  readonly uptime: UptimeReport;
  readonly api: ApiReport;
  readonly positions: PositionsReport;
  readonly orders: OrdersReport;
  readonly performance: PerformanceReport;
  readonly threads: Readonly<Record<string, ThreadReport>>;
  /** Newest first, at most the monitor's error ring capacity. */
  readonly recent_errors: readonly RecentErrorReport[];
  readonly alerts: AlertsReport;
  readonly overall_health: OverallHealth;
  /** Only with REDIS_URL: this process among the others on the account. */
  readonly cluster?: ClusterHealthReport;
}

/** Several processes on one account coordinated through Redis (src/cluster/cluster-node.ts). */
export interface ClusterHealthReport {
  readonly redis: 'connected' | 'down';
  readonly process_id: string;
  /** Processes seen on the account, this one included. */
  readonly peers: number;
  /** Symbols whose lease this process holds. */
  readonly owned_symbols: readonly string[];
  /** Share of each quota pool this process may use: 1 while Redis coordinates, 1/N when it is down. */
  readonly quota_share: number;
}

/** Rounds to `decimals` places for presentation (0.05 + −0.02 reports 0.03, not 0.030000000000000002). */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** "2d 03h 04m 05s", or without the day part under a day. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  const hms = `${pad(hours)}h ${pad(minutes)}m ${pad(secs)}s`;
  return days > 0 ? `${days}d ${hms}` : hms;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
