// The periodic one-line summary `npm start` prints between trade lines, read off the health report.
import type { HealthReport } from '../src/health/index.js';

const money = (n: number): string => `${n >= 0 ? '+' : ''}${n.toFixed(2)}`;

export function summaryLine(r: HealthReport): string {
  const p = r.positions;
  const equity = p.equity === null || p.equity === undefined ? 'n/a' : Number(p.equity).toFixed(2);
  return [
    `SUMMARY up ${r.uptime.formatted}`,
    `equity ${equity} USDT`,
    `open ${p.open}`,
    `closed ${p.closed} (${p.wins}W/${p.losses}L)`,
    `pnl ${money(Number(p.total_pnl))}`,
    `scans ${r.performance.scans_completed}`,
    `api ${r.api.total_calls} calls, ${Number(r.api.success_rate).toFixed(1)}% ok, ${r.api.calls_per_minute}/min`,
    `health ${r.overall_health.status}`,
  ].join(' | ');
}
