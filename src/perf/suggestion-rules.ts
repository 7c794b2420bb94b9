// The rule set: each rule is a small pure function of one window of figures and the thresholds,
// returning the suggestions it finds (none when all is well). Event-loop thresholds default to
// Clinic.js Doctor's (delay median >= 10 ms or max >= 100 ms).
import type { PerformanceFigures, ThreadFigures } from './performance-figures.js';
import { TIMINGS } from './performance-figures.js';
import type { Suggestion } from './suggestion.js';
import { summarise } from './windowed-samples.js';

export interface RuleThresholds {
  /** Event-loop delay median (ms) at or above which a thread counts as blocked (Clinic: 10). */
  readonly eventLoopMedianMs: number;
  /** Event-loop delay maximum (ms) at or above which a thread counts as blocked (Clinic: 100). */
  readonly eventLoopMaxMs: number;
  /**
   * Sampling intervals in the window whose maximum must reach eventLoopMaxMs (ours, not Clinic's:
   * Clinic judges one recorded run; a live bot on a shared machine sees one-off scheduling hiccups).
   */
  readonly eventLoopMaxIntervals: number;
  /** A scan longer than this fraction of CHECK_INTERVAL is too slow. */
  readonly scanFractionOfInterval: number;
  /** p99 of the scanner's wait for rate-limit tokens (ms) that counts as a saturated pool. */
  readonly quotaWaitP99Ms: number;
  /** One endpoint's p99 latency (ms) that counts as high. */
  readonly endpointP99Ms: number;
  /** Calls an endpoint needs in the window before its p99 means anything. */
  readonly endpointMinCalls: number;
  /** Heap growth across the window (MB, floor to floor) that suggests a leak. */
  readonly heapGrowthMb: number;
  /** Heap growth is not judged in a thread's first this-many ms (start-up fills caches and code space). */
  readonly heapWarmUpMs: number;
  /** Heap used / limit at or above which the heap is near its limit. */
  readonly heapNearLimit: number;
  /** GC pause time per minute (ms) that counts as high (6000 = 10 % of the time). */
  readonly gcMsPerMin: number;
  /** p99 of a pool task's queue wait (ms) that says the pool is too small. */
  readonly poolQueueWaitP99Ms: number;
  /** Restarts of one thread within the window that count as frequent. */
  readonly restartsInWindow: number;
  /** Stream reconnects within the window that count as frequent. */
  readonly reconnectsInWindow: number;
  /** p99 reaction time (ms) above which exits are too slow. */
  readonly reactionP99Ms: number;
}

export const DEFAULT_RULE_THRESHOLDS: RuleThresholds = {
  eventLoopMedianMs: 10,
  eventLoopMaxMs: 100,
  eventLoopMaxIntervals: 2,
  scanFractionOfInterval: 0.5,
  quotaWaitP99Ms: 1000,
  endpointP99Ms: 1000,
  endpointMinCalls: 20,
  heapGrowthMb: 20,
  heapWarmUpMs: 120_000,
  heapNearLimit: 0.85,
  gcMsPerMin: 6000,
  poolQueueWaitP99Ms: 100,
  restartsInWindow: 2,
  reconnectsInWindow: 3,
  reactionP99Ms: 250,
};

export type Rule = (f: PerformanceFigures, t: RuleThresholds) => Suggestion[];

const ms = (v: number): string => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const mb = (v: number): string => `${v.toFixed(1)} MB`;
const win = (f: PerformanceFigures): string => `over ${Math.round(f.windowMs / 1000)} s`;

const BLOCKED_ADVICE: Readonly<Record<string, string>> = {
  scanner:
    'the scanner runs synchronous work on its own event loop: keep indicator maths in the piscina pool (src/scanner/indicator-pool.ts) and find the hot function with npm run profile -- --thread scanner --seconds 10',
  'position-monitor':
    'stop/take-profit checks are delayed: keep per-tick work in PositionGuard.onPrice small (src/position-monitor/position-guard.ts) and profile with npm run profile -- --thread position-monitor --seconds 10',
  'order-executor':
    'orders wait behind blocking work: look for synchronous SQLite or JSON work in the executor (src/executor/) with npm run profile -- --thread order-executor --seconds 10',
  supervisor:
    'the supervisor handles heartbeats and the status server: a slow /metrics or /health render or report formatting blocks it (src/status/, src/health/); profile with npm run profile -- --thread supervisor --seconds 10',
  'indicator-pool':
    'pool threads are busy with long synchronous tasks, which is their job; if scans are slow too, reduce the symbols scanned (MIN_TURNOVER) or the candles per symbol (src/strategy/strategy-params.ts)',
};

/**
 * Whether a thread's samples cover the whole window. Rules that judge a window or a rate per minute
 * wait for it: a young thread's few samples are start-up (module loading, JIT, first connections),
 * and a rate extrapolated from them cried wolf 6 s after start (sinceMs restarts with a restart).
 */
export const coversWindow = (thread: ThreadFigures, f: PerformanceFigures): boolean => thread.sinceMs >= f.windowMs;

/** Threads whose event loop is meant to block: a pool thread runs one synchronous task at a time. */
const BLOCKING_BY_DESIGN = new Set(['indicator-pool']);

/**
 * Event loop blocked in a thread: delay median >= 10 ms, or max >= 100 ms (Clinic Doctor's
 * thresholds) in at least eventLoopMaxIntervals sampling intervals of the window, judged once the
 * thread's samples cover the window.
 */
export const eventLoopBlocked: Rule = (f, t) => {
  const out: Suggestion[] = [];
  for (const [thread, figures] of Object.entries(f.threads)) {
    if (BLOCKING_BY_DESIGN.has(thread) || !coversWindow(figures, f)) continue;
    const { samples } = figures;
    const median = summarise(samples.map((s) => s.eldP50Ms)).p50;
    const max = Math.max(...samples.map((s) => s.eldMaxMs));
    const blockedIntervals = samples.filter((s) => s.eldMaxMs >= t.eventLoopMaxMs).length;
    const medianHigh = median >= t.eventLoopMedianMs;
    const maxHigh = blockedIntervals >= t.eventLoopMaxIntervals;
    if (!medianHigh && !maxHigh) continue;
    const what = medianHigh ? `event-loop delay median ${ms(median)} (threshold ${t.eventLoopMedianMs} ms)` : '';
    const peak = maxHigh
      ? `event-loop delay max ${ms(max)}, ${blockedIntervals} intervals at or above ${t.eventLoopMaxMs} ms`
      : '';
    out.push({
      id: 'event-loop-blocked',
      severity: max >= 1000 || median >= 100 ? 'critical' : 'warning',
      thread,
      evidence: `${[what, peak].filter(Boolean).join(', ')} ${win(f)}`,
      advice: BLOCKED_ADVICE[thread] ?? `profile the thread with npm run profile -- --thread ${thread} --seconds 10`,
    });
  }
  return out;
};

/**
 * Scans taking more than half of CHECK_INTERVAL, judged once the scanner has run for a full window
 * (the first scans are cold: connections, JIT, the pool's threads starting).
 */
export const scanTooSlow: Rule = (f, t) => {
  const scanner = f.threads['scanner'];
  if (!scanner || !coversWindow(scanner, f)) return [];
  if (f.scans.count === 0 || f.scans.p50 <= f.checkIntervalMs * t.scanFractionOfInterval) return [];
  const phase = (name: string): string => ms(f.timings[name]?.p99 ?? 0);
  return [
    {
      id: 'scan-too-slow',
      severity: f.scans.p50 > f.checkIntervalMs ? 'critical' : 'warning',
      thread: 'scanner',
      evidence:
        `scan median ${ms(f.scans.p50)} is more than ${t.scanFractionOfInterval * 100} % of CHECK_INTERVAL (${f.checkIntervalMs / 1000} s); ` +
        `per call p99: quota wait ${phase(TIMINGS.scanQuotaWait)}, fetch ${phase(TIMINGS.scanFetch)}, indicator compute ${phase(TIMINGS.scanCompute)}`,
      advice:
        'raise CHECK_INTERVAL, or scan fewer contracts by raising MIN_TURNOVER; if quota wait dominates the exchange quota is the limit, if compute dominates the indicator pool is',
    },
  ];
};

/** A quota pool saturated: 429s seen, or the scanner waits long for tokens. */
export const quotaSaturated: Rule = (f, t) => {
  const out: Suggestion[] = [];
  for (const [thread, n] of Object.entries(f.rateLimited)) {
    out.push({
      id: 'quota-saturated',
      severity: 'critical',
      thread,
      evidence: `${n} call(s) refused for quota (429000) ${win(f)}`,
      advice:
        'the exchange refused calls for quota: lower the request rate (raise CHECK_INTERVAL or MIN_TURNOVER, raise POSITION_UPDATE_INTERVAL) and check that every caller draws from the shared limiter (src/resilience/shared-rate-limiter.ts)',
    });
  }
  const wait = f.timings[TIMINGS.scanQuotaWait];
  if (wait && wait.count > 0 && wait.p99 >= t.quotaWaitP99Ms && f.rateLimited['scanner'] === undefined) {
    out.push({
      id: 'quota-saturated',
      severity: 'warning',
      thread: 'scanner',
      evidence: `scanner waits p99 ${ms(wait.p99)} for rate-limit tokens (threshold ${t.quotaWaitP99Ms} ms) ${win(f)}`,
      advice:
        'the public quota pool is saturated by scanning: raise CHECK_INTERVAL or MIN_TURNOVER so a scan needs fewer kline calls',
    });
  }
  return out;
};

/** One endpoint's p99 latency high. */
export const endpointLatencyHigh: Rule = (f, t) =>
  Object.entries(f.endpoints)
    .filter(([, e]) => e.count >= t.endpointMinCalls && e.p99 >= t.endpointP99Ms)
    .map(([endpoint, e]) => ({
      id: `endpoint-latency-high:${endpoint}`,
      severity: 'warning' as const,
      thread: e.thread,
      evidence: `${endpoint} p99 ${ms(e.p99)} (p50 ${ms(e.p50)}, ${e.count} calls; threshold ${t.endpointP99Ms} ms) ${win(f)}`,
      advice: `the exchange answers ${endpoint} slowly: check the network path to KUCOIN_FUTURES_URL; calls per scan can be cut with MIN_TURNOVER or a longer CHECK_INTERVAL`,
    }));

/** Floors (minimum used heap) of the first and last third of the samples: GC sawtooth removed. */
function heapFloors(values: readonly number[]): { first: number; middle: number; last: number } | null {
  if (values.length < 6) return null;
  const third = Math.floor(values.length / 3);
  return {
    first: Math.min(...values.slice(0, third)),
    middle: Math.min(...values.slice(third, values.length - third)),
    last: Math.min(...values.slice(values.length - third)),
  };
}

/** Heap growing steadily (leak suspicion) or near its limit. */
export const heapPressure: Rule = (f, t) => {
  const out: Suggestion[] = [];
  for (const [thread, { samples, sinceMs }] of Object.entries(f.threads)) {
    const latest = samples[samples.length - 1];
    if (!latest) continue;
    const ratio = latest.heapLimitMb > 0 ? latest.heapUsedMb / latest.heapLimitMb : 0;
    if (ratio >= t.heapNearLimit) {
      out.push({
        id: 'heap-near-limit',
        severity: 'critical',
        thread,
        evidence: `heap ${mb(latest.heapUsedMb)} of ${mb(latest.heapLimitMb)} (${(ratio * 100).toFixed(0)} %, threshold ${t.heapNearLimit * 100} %)`,
        advice: `the thread will die of out-of-memory: find what it retains with npm run profile -- --thread ${thread} --heap, or raise the worker's heap limit (resourceLimits in src/supervision/worker-handle.ts)`,
      });
      continue;
    }
    if (sinceMs < t.heapWarmUpMs) continue;
    const floors = heapFloors(samples.map((s) => s.heapUsedMb));
    if (
      floors &&
      floors.first < floors.middle &&
      floors.middle < floors.last &&
      floors.last - floors.first >= t.heapGrowthMb
    ) {
      out.push({
        id: 'heap-growing',
        severity: 'warning',
        thread,
        evidence: `heap floor grew steadily ${mb(floors.first)} -> ${mb(floors.middle)} -> ${mb(floors.last)} ${win(f)} (threshold +${t.heapGrowthMb} MB)`,
        advice: `leak suspicion: take two heap snapshots a few minutes apart (npm run profile -- --thread ${thread} --heap) and compare retained objects in Chrome DevTools`,
      });
    }
  }
  return out;
};

/** GC time high, judged once the thread's samples cover the window (a per-minute rate). */
export const gcHigh: Rule = (f, t) => {
  const out: Suggestion[] = [];
  for (const [thread, figures] of Object.entries(f.threads)) {
    if (!coversWindow(figures, f)) continue;
    const perMin = gcMsPerMinute(figures.samples);
    if (perMin < t.gcMsPerMin) continue;
    out.push({
      id: 'gc-high',
      severity: 'warning',
      thread,
      evidence: `${ms(perMin)} of GC pauses per minute (threshold ${t.gcMsPerMin} ms) ${win(f)}`,
      advice: `the thread allocates too much or runs near its heap limit: profile allocations with npm run profile -- --thread ${thread} --heap and reuse buffers on the hot path`,
    });
  }
  return out;
};

/** GC ms per minute over samples (sum of pauses over the span they cover). */
export function gcMsPerMinute(samples: readonly { readonly gcMs: number; readonly intervalMs: number }[]): number {
  const span = samples.reduce((a, s) => a + s.intervalMs, 0);
  if (span <= 0) return 0;
  return (samples.reduce((a, s) => a + s.gcMs, 0) / span) * 60_000;
}

/** The indicator pool too small (tasks queue) or useless (fewer cores than threads to run them). */
export const indicatorPool: Rule = (f, t) => {
  const p = f.pool;
  if (!p) return [];
  const out: Suggestion[] = [];
  if (p.cores < p.threads + 1) {
    out.push({
      id: 'indicator-pool-useless',
      severity: 'info',
      thread: 'indicator-pool',
      evidence: `${p.threads} pool thread(s) plus the scanner on ${p.cores} core(s)`,
      advice:
        'the pool cannot run beside the scanner on this machine: run on more cores, or size the pool to availableParallelism() - 1 (defaultPoolThreads in src/scanner/indicator-pool.ts)',
    });
  } else if (p.cores > p.threads + 1 && p.queueWaitP99Ms >= t.poolQueueWaitP99Ms) {
    // Only when a core is left over: with the scanner and the pool already filling every core,
    // queueing is the machine's limit and "more threads" would be advice that cannot help.
    out.push({
      id: 'indicator-pool-too-small',
      severity: 'warning',
      thread: 'indicator-pool',
      evidence: `indicator tasks wait p99 ${ms(p.queueWaitP99Ms)} in the pool queue (threshold ${t.poolQueueWaitP99Ms} ms) with ${p.threads} thread(s) on ${p.cores} cores`,
      advice:
        'more pool threads would help: raise maxThreads (createIndicatorPool in src/scanner/indicator-pool.ts), or scan fewer symbols with MIN_TURNOVER',
    });
  }
  return out;
};

/** Frequent worker restarts. */
export const frequentRestarts: Rule = (f, t) =>
  Object.entries(f.restarts)
    .filter(([, n]) => n >= t.restartsInWindow)
    .map(([thread, n]) => ({
      id: 'frequent-restarts',
      severity: 'critical' as const,
      thread,
      evidence: `${n} restarts ${win(f)} (threshold ${t.restartsInWindow})`,
      advice: `see recent_errors for ${thread}'s crash or stall reason; a thread restarted for stalls may need a longer STALL_TIMEOUT or PROGRESS_TIMEOUT, one that crashes needs a fix (MAX_RESTARTS stops the bot when it repeats)`,
    }));

/** Frequent price stream reconnects. */
export const frequentReconnects: Rule = (f, t) =>
  Object.entries(f.streamReconnects)
    .filter(([, n]) => n >= t.reconnectsInWindow)
    .map(([thread, n]) => ({
      id: 'frequent-stream-reconnects',
      severity: 'warning' as const,
      thread,
      evidence: `${n} price stream reconnects ${win(f)} (threshold ${t.reconnectsInWindow})`,
      advice:
        'stops are checked against REST polls while the stream is down: check the network path to the exchange WebSocket and the stream ping settings (src/exchange/futures-stream.ts)',
    }));

/** Reaction time high: stream price crossing a stop or take-profit -> close requested. */
export const reactionSlow: Rule = (f, t) => {
  const r = f.timings[TIMINGS.reaction];
  if (!r || r.count === 0 || r.p99 <= t.reactionP99Ms) return [];
  return [
    {
      id: 'reaction-slow',
      severity: 'warning',
      thread: 'position-monitor',
      evidence: `reaction p99 ${ms(r.p99)} (p50 ${ms(r.p50)}, ${r.count} exits; threshold ${t.reactionP99Ms} ms) ${win(f)}`,
      advice: `exits lag the price: lower LIVE_LOOP_INTERVAL (now ${f.liveLoopMs / 1000} s) and check the position-monitor's event-loop delay`,
    },
  ];
};

export const RULES: readonly Rule[] = [
  eventLoopBlocked,
  scanTooSlow,
  quotaSaturated,
  endpointLatencyHigh,
  heapPressure,
  gcHigh,
  indicatorPool,
  frequentRestarts,
  frequentReconnects,
  reactionSlow,
];

/** Every rule over the figures (a rule that throws is a bug: it propagates). */
export function evaluateRules(
  f: PerformanceFigures,
  t: RuleThresholds = DEFAULT_RULE_THRESHOLDS,
  rules: readonly Rule[] = RULES,
): Suggestion[] {
  return rules.flatMap((rule) => rule(f, t));
}
