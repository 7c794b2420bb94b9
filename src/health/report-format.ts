// The human health report: the sections the original bot printed (Uptime, POSITIONS, API HEALTH,
// THREADS, PERFORMANCE, RECENT ERRORS, Overall Health) as a plain-text box for the console and logs.
import type { HealthReport } from './health-report.js';

export interface FormatReportOptions {
  /** Recent errors shown (default 10; the JSON report keeps the whole ring). */
  maxErrors?: number;
  /** Box width in characters (default 64). */
  width?: number;
  /** Heading line (default "BOT HEALTH REPORT"). */
  title?: string;
}

const INDENT = '   ';

export function formatReport(report: HealthReport, options: FormatReportOptions = {}): string {
  const width = options.width ?? 64;
  const maxErrors = options.maxErrors ?? 10;
  const rule = '='.repeat(width);
  const { api, positions: p, performance: perf, overall_health: overall } = report;
  const lines: string[] = [rule, options.title ?? 'BOT HEALTH REPORT', rule];

  lines.push(`Uptime: ${report.uptime.formatted} (since ${report.uptime.started_at})`, '');

  lines.push('POSITIONS:');
  lines.push(
    `${INDENT}Open: ${p.open}   Opened: ${p.opened}   Closed: ${p.closed}${p.unsettled > 0 ? `   Unsettled: ${p.unsettled}` : ''}`,
  );
  lines.push(
    `${INDENT}Wins: ${p.wins}   Losses: ${p.losses}   Breakeven: ${p.breakeven}   Win Rate: ${p.win_rate.toFixed(1)}%`,
  );
  // What on the account is not the bot's (left alone), only when there is any.
  const foreignPositions = p.foreign?.symbols ?? [];
  const foreignOrders = report.orders?.foreign ?? 0;
  if (foreignPositions.length > 0 || foreignOrders > 0) {
    lines.push(
      `${INDENT}Not the bot's (left alone): positions ${foreignPositions.length === 0 ? 'none' : foreignPositions.join(', ')}; orders ${foreignOrders}`,
    );
  }
  lines.push(
    `${INDENT}Total P/L: ${signed(p.total_pnl)} USDT${p.equity !== null ? `   Equity: ${p.equity.toFixed(2)} USDT` : ''}`,
    '',
  );

  lines.push('API HEALTH:');
  lines.push(
    `${INDENT}Total Calls: ${api.total_calls} (ok ${api.successful_calls}, failed ${api.failed_calls}, rate-limited ${api.rate_limited_calls})`,
  );
  const recent = api.recent_success_rate !== null ? `, last minute ${api.recent_success_rate.toFixed(1)}%` : '';
  lines.push(`${INDENT}Success Rate: ${api.success_rate.toFixed(1)}%${recent}`);
  lines.push(`${INDENT}Calls/Min: ${api.calls_per_minute}   Avg Latency: ${api.avg_latency_ms.toFixed(1)} ms`, '');

  lines.push('THREADS:');
  const names = Object.keys(report.threads);
  if (names.length === 0) lines.push(`${INDENT}(none reported)`);
  for (const name of names) {
    const t = report.threads[name];
    if (t === undefined) continue;
    const beat =
      t.last_heartbeat_age_s === null ? 'no heartbeat yet' : `heartbeat ${t.last_heartbeat_age_s.toFixed(1)} s ago`;
    lines.push(
      `${INDENT}${name}: ${t.healthy ? 'OK' : t.state.toUpperCase()} (${beat}, progress ${t.progress}, restarts ${t.restarts})`,
    );
  }
  lines.push('');

  lines.push('PERFORMANCE:');
  lines.push(
    `${INDENT}Scans: ${perf.scans_completed} (avg ${perf.avg_scan_duration_ms.toFixed(2)} ms, errors ${perf.scan_errors})`,
  );
  lines.push(`${INDENT}Position Updates: ${perf.position_updates} (errors ${perf.position_update_errors})`);
  const phases = perf.scan_phases_ms;
  if (phases) {
    lines.push(
      `${INDENT}Scan phases p99 per call: quota wait ${phases.quota_wait.p99.toFixed(1)} ms, fetch ${phases.fetch.p99.toFixed(1)} ms, indicator compute ${phases.indicator_compute.p99.toFixed(1)} ms`,
    );
  }
  if (perf.reaction_time_ms && perf.reaction_time_ms.count > 0) {
    lines.push(
      `${INDENT}Reaction time: p50 ${perf.reaction_time_ms.p50.toFixed(1)} ms, p99 ${perf.reaction_time_ms.p99.toFixed(1)} ms (${perf.reaction_time_ms.count} exits)`,
    );
  }
  for (const [name, t] of Object.entries(report.threads)) {
    const r = t.runtime;
    if (r === undefined) continue;
    lines.push(
      `${INDENT}${name}: loop delay p50 ${r.event_loop_delay_ms.p50.toFixed(1)} / p99 ${r.event_loop_delay_ms.p99.toFixed(1)} / max ${r.event_loop_delay_ms.max.toFixed(1)} ms, ` +
        `ELU ${(r.elu * 100).toFixed(0)} %, heap ${r.heap_used_mb.toFixed(0)}/${r.heap_limit_mb.toFixed(0)} MB, GC ${r.gc_ms_per_min.toFixed(0)} ms/min`,
    );
  }
  lines.push('');

  if (perf.suggestions !== undefined) {
    lines.push('OPTIMISATION SUGGESTIONS:');
    if (perf.suggestions.length === 0) lines.push(`${INDENT}(none)`);
    for (const sg of perf.suggestions) {
      lines.push(`${INDENT}[${sg.severity.toUpperCase()}] ${sg.thread}: ${sg.id}`);
      lines.push(`${INDENT}${INDENT}evidence: ${oneLine(sg.evidence)}`);
      lines.push(`${INDENT}${INDENT}advice: ${oneLine(sg.advice)}`);
    }
    lines.push('');
  }

  lines.push('RECENT ERRORS:');
  const errors = report.recent_errors.slice(0, maxErrors);
  if (errors.length === 0) lines.push(`${INDENT}(none)`);
  for (const e of errors) lines.push(`${INDENT}${e.time} [${e.thread}] ${e.type}: ${oneLine(e.message)}`);
  if (report.recent_errors.length > errors.length)
    lines.push(`${INDENT}... and ${report.recent_errors.length - errors.length} more`);
  // Only when something was lost: alerts that never reached the webhook.
  const alerts = report.alerts;
  if (alerts !== undefined && alerts.delivery_failures > 0) {
    lines.push(
      `${INDENT}Alert webhook: ${alerts.delivery_failures} alert(s) not delivered${alerts.last_delivery_error ? ` (last: ${oneLine(alerts.last_delivery_error)})` : ''}`,
    );
  }
  lines.push('');

  lines.push(`Overall Health: ${overall.status}`);
  for (const reason of overall.reasons) lines.push(`${INDENT}- ${reason}`);
  lines.push(rule);
  return lines.join('\n');
}

function signed(n: number): string {
  return `${n > 0 ? '+' : ''}${n.toFixed(2)}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
