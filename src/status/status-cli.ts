// `npm run status`: asks a running bot's status server for /health and prints the human report.
// A client only: it never builds or starts the bot. Exit codes: 0 healthy (HEALTHY or DEGRADED),
// 1 unhealthy, 2 unreachable (or no valid report), so scripts and cron can act on it.
import path from 'node:path';
import { runIfMain } from '../cli/run-if-main.js';
import { clientSettings } from '../config/client-settings.js';
import { formatReport } from '../health/report-format.js';
import { fetchHealth } from './status-client.js';

export const EXIT_HEALTHY = 0;
export const EXIT_UNHEALTHY = 1;
export const EXIT_UNREACHABLE = 2;

export interface StatusCliTarget {
  readonly baseUrl: string;
  readonly token: string;
}

/** STATUS_HOST / STATUS_PORT / STATUS_TOKEN from the environment, over `.env` (the env wins). */
export function statusTarget(env: NodeJS.ProcessEnv, dotenvPath: string | false): StatusCliTarget {
  const setting = clientSettings(env, dotenvPath);
  let host = setting('statusHost');
  // A server bound to every interface is reached over loopback.
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  return { baseUrl: `http://${host}:${setting('statusPort')}/`, token: setting('statusToken') };
}

export interface RunStatusCliOptions {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** `.env` location (default `.env` in the cwd); false reads none. */
  dotenvPath?: string | false;
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function runStatusCli(options: RunStatusCliOptions): Promise<number> {
  const json = options.argv.includes('--json');
  const target = statusTarget(options.env, options.dotenvPath ?? path.resolve('.env'));
  const result = await fetchHealth({ baseUrl: target.baseUrl, token: target.token });
  if (result.kind === 'unreachable') {
    options.err(
      `status: cannot get a health report from ${result.url}: ${result.reason}\n` +
        '  Is the bot running? Check STATUS_HOST / STATUS_PORT (environment or .env).\n',
    );
    return EXIT_UNREACHABLE;
  }
  options.out(json ? `${JSON.stringify(result.report, null, 2)}\n` : `${formatReport(result.report)}\n`);
  if (!result.healthy) {
    options.err(`status: ${result.report.overall_health.status} (HTTP ${result.httpStatus} from ${result.url})\n`);
    return EXIT_UNHEALTHY;
  }
  return EXIT_HEALTHY;
}

runIfMain(import.meta.url, 'status', runStatusCli, EXIT_UNREACHABLE);
