// GET /health of a bot's status server. Both answers carry the full report: 200 while HEALTHY or
// DEGRADED, 503 when UNHEALTHY; anything else (401 without the token, 404) is a test failure.
import type { HealthReport } from '../../../src/health/health-report.js';

export async function fetchHealth(statusUrl: string, token?: string): Promise<HealthReport> {
  const url = new URL('health', statusUrl.endsWith('/') ? statusUrl : `${statusUrl}/`);
  const res = await fetch(url, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });
  if (res.status !== 200 && res.status !== 503) throw new Error(`${url.href} answered HTTP ${res.status}`);
  return (await res.json()) as HealthReport;
}
