// A tiny client for the status server's /health, used by `npm run status`. Plain node:http with no
// keep-alive agent, so the CLI process exits as soon as it has its answer.
import { request } from 'node:http';
import { HEALTH_REPORT_KEYS, type HealthReport } from '../health/health-report.js';

export interface FetchHealthOptions {
  /** Base URL of the status server, e.g. "http://127.0.0.1:8787/". */
  baseUrl: string;
  /** Sent as a bearer token when set (/health needs none, but a proxy in front may). */
  token?: string;
  timeoutMs?: number;
}

export type HealthFetchResult =
  | {
      readonly kind: 'report';
      readonly url: string;
      readonly httpStatus: number;
      readonly healthy: boolean;
      readonly report: HealthReport;
    }
  /** No report could be had: connection refused, timeout, or an answer that is not a health report. */
  | { readonly kind: 'unreachable'; readonly url: string; readonly reason: string };

export async function fetchHealth(options: FetchHealthOptions): Promise<HealthFetchResult> {
  const url = new URL('health', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).toString();
  let response: { status: number; body: string };
  try {
    response = await get(url, options.token, options.timeoutMs ?? 5000);
  } catch (error) {
    return { kind: 'unreachable', url, reason: error instanceof Error ? error.message : String(error) };
  }
  if (response.status !== 200 && response.status !== 503) {
    return { kind: 'unreachable', url, reason: `HTTP ${response.status} (expected 200 or 503)` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    return { kind: 'unreachable', url, reason: `HTTP ${response.status} with a body that is not JSON` };
  }
  if (isLivenessOnly(parsed)) {
    return {
      kind: 'unreachable',
      url,
      reason: 'the server answered only its liveness verdict: the full report needs STATUS_TOKEN (environment or .env)',
    };
  }
  const problem = reportProblem(parsed);
  if (problem !== null) return { kind: 'unreachable', url, reason: `not a health report: ${problem}` };
  return {
    kind: 'report',
    url,
    httpStatus: response.status,
    healthy: response.status === 200,
    report: parsed as HealthReport,
  };
}

/** `{"overall_health": {"status": …}}` alone: what /health tells a caller without the token. */
function isLivenessOnly(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    'overall_health' in value
  );
}

/** Why `value` is not a HealthReport (the parts the CLI and formatter read), or null. */
export function reportProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const missing = HEALTH_REPORT_KEYS.filter((k) => !(k in record));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  for (const key of ['uptime', 'api', 'positions', 'performance', 'threads', 'overall_health'] as const) {
    const v = record[key];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return `"${key}" is not an object`;
  }
  if (!Array.isArray(record.recent_errors)) return '"recent_errors" is not an array';
  const status = (record.overall_health as Record<string, unknown>).status;
  if (status !== 'HEALTHY' && status !== 'DEGRADED' && status !== 'UNHEALTHY')
    return `unknown overall_health.status ${JSON.stringify(status)}`;
  return null;
}

function get(url: string, token: string | undefined, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== undefined && token !== '') headers.Authorization = `Bearer ${token}`;
    const req = request(url, { method: 'GET', headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
