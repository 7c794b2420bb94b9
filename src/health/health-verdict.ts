// The overall verdict as a pure function of plain inputs, so every rule has its own test and the
// monitor only gathers numbers. Rules (the worst one wins; every reason is listed):
//   UNHEALTHY: a thread stalled or frozen; API success below unhealthySuccessRate over the last
//              window (with at least minCallsForRate calls in it); an external UNHEALTHY condition.
//   DEGRADED:  a thread still starting; API success below degradedSuccessRate over the window;
//              rate-limited calls in the window; a restart within recentRestartWindowMs; an
//              external DEGRADED condition (e.g. an open circuit breaker).
// The window, not the lifetime total, judges the API: one bad hour must not mark the bot
// unhealthy forever after it recovered.
import type { HealthStatus, OverallHealth } from './health-report.js';
import type { ThreadState } from './thread-health.js';

export interface VerdictThresholds {
  /** Percent; below it the API is DEGRADED (default 90, the original bot's line). */
  readonly degradedSuccessRate: number;
  /** Percent; below it the API is UNHEALTHY (default 50). */
  readonly unhealthySuccessRate: number;
  /** Fewer calls than this in the window are too few to judge the success rate (default 10). */
  readonly minCallsForRate: number;
  /** A restart younger than this keeps the verdict DEGRADED (default 300 000 ms). */
  readonly recentRestartWindowMs: number;
}

export const DEFAULT_VERDICT_THRESHOLDS: Readonly<VerdictThresholds> = {
  degradedSuccessRate: 90,
  unhealthySuccessRate: 50,
  minCallsForRate: 10,
  recentRestartWindowMs: 300_000,
};

export interface VerdictThread {
  readonly name: string;
  readonly state: ThreadState;
  readonly reason: string | null;
  /** Ms since its last restart; NaN when it never restarted. */
  readonly lastRestartAgeMs: number;
  readonly restarts: number;
  readonly lastRestartReason: string | null;
}

export interface ExternalCondition {
  readonly key: string;
  readonly status: Exclude<HealthStatus, 'HEALTHY'>;
  readonly reason: string;
}

export interface VerdictInput {
  readonly threads: readonly VerdictThread[];
  readonly windowSeconds: number;
  readonly recentCalls: number;
  readonly recentSuccessful: number;
  readonly recentRateLimited: number;
  readonly conditions: readonly ExternalCondition[];
}

export function judgeOverallHealth(
  input: VerdictInput,
  t: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS,
): OverallHealth {
  const unhealthy: string[] = [];
  const degraded: string[] = [];

  for (const th of input.threads) {
    if (th.state === 'stalled' || th.state === 'frozen') unhealthy.push(th.reason ?? `thread ${th.name} ${th.state}`);
    else if (th.state === 'starting') degraded.push(th.reason ?? `thread ${th.name} starting`);
    if (th.state !== 'stopped' && th.lastRestartAgeMs <= t.recentRestartWindowMs) {
      const why = th.lastRestartReason !== null ? ` (${th.lastRestartReason})` : '';
      degraded.push(
        `thread ${th.name} restarted ${Math.round(th.lastRestartAgeMs / 1000)} s ago${why}, ${th.restarts} restart(s) in total`,
      );
    }
  }

  if (input.recentCalls >= t.minCallsForRate && input.recentCalls > 0) {
    const rate = (input.recentSuccessful / input.recentCalls) * 100;
    const text = `API success rate ${rate.toFixed(1)}% over the last ${input.windowSeconds} s`;
    if (rate < t.unhealthySuccessRate) unhealthy.push(`${text} (below ${t.unhealthySuccessRate}%)`);
    else if (rate < t.degradedSuccessRate) degraded.push(`${text} (below ${t.degradedSuccessRate}%)`);
  }
  if (input.recentRateLimited > 0) {
    degraded.push(`${input.recentRateLimited} rate-limited call(s) in the last ${input.windowSeconds} s`);
  }

  for (const c of input.conditions) (c.status === 'UNHEALTHY' ? unhealthy : degraded).push(c.reason);

  const status: HealthStatus = unhealthy.length > 0 ? 'UNHEALTHY' : degraded.length > 0 ? 'DEGRADED' : 'HEALTHY';
  return { status, reasons: [...unhealthy, ...degraded] };
}
