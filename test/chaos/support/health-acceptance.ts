// When the bot counts as recovered: /health answers 200 and the verdict is HEALTHY, or DEGRADED
// with no reason other than a recent worker restart. A restart keeps the verdict DEGRADED for the
// verdict's recentRestartWindowMs (5 min) by design, so right after a chaos run with injected
// stalls DEGRADED-for-restarts is the best possible state; any other reason (API success rate,
// rate-limited calls, a stalled/starting thread, an open breaker, the kill switch) means the bot
// has not recovered.
export interface HealthBody {
  readonly overall_health?: { readonly status?: unknown; readonly reasons?: unknown };
}

const RESTART_REASON = /^thread \S+ restarted \d+ s ago/;

export function healthAccepted(httpStatus: number, body: HealthBody | undefined): { ok: boolean; why: string } {
  const status = body?.overall_health?.status;
  const reasons = Array.isArray(body?.overall_health?.reasons)
    ? (body!.overall_health!.reasons as unknown[]).map(String)
    : [];
  if (httpStatus !== 200) return { ok: false, why: `HTTP ${httpStatus} ${String(status)}: ${reasons.join('; ')}` };
  if (status === 'HEALTHY') return { ok: true, why: 'HEALTHY' };
  if (status === 'DEGRADED' && reasons.length > 0 && reasons.every((r) => RESTART_REASON.test(r))) {
    return { ok: true, why: `DEGRADED only by recent restarts: ${reasons.join('; ')}` };
  }
  return { ok: false, why: `${String(status)}: ${reasons.join('; ')}` };
}
