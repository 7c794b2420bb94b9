// `npm run profile -- --thread <name> [--seconds N] [--heap]`: asks the running bot's status server
// (GET /profile, bearer token like /metrics) for a CPU profile, or a heap snapshot, taken inside
// that thread with node:inspector; writes LOG_DIR/profiles/<thread>-<time>.cpuprofile (or
// .heapsnapshot), which Chrome DevTools opens, and prints the top 15 functions by self time.
// Exit codes: 0 written, 1 the bot refused (bad thread, profile failed), 2 unreachable or bad usage.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { runIfMain } from '../cli/run-if-main.js';
import { clientSettings } from '../config/client-settings.js';
import { statusTarget } from '../status/status-cli.js';
import { formatSelfTimeTable, parseCpuProfile, topSelfTime } from './cpu-profile-summary.js';

export interface ProfileCliArgs {
  readonly thread: string;
  readonly seconds: number;
  readonly heap: boolean;
  /** Status server base URL; default from STATUS_HOST / STATUS_PORT. */
  readonly url: string | undefined;
}

export function parseProfileArgs(argv: readonly string[]): ProfileCliArgs {
  let thread = '';
  let seconds = 5;
  let heap = false;
  let url: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--thread') thread = value();
    else if (arg === '--seconds') seconds = Number(value());
    else if (arg === '--heap') heap = true;
    else if (arg === '--url') url = value();
    else throw new Error(`unknown argument '${arg}'`);
  }
  if (thread === '') throw new Error('--thread is required (scanner, position-monitor, order-executor or supervisor)');
  if (!(seconds > 0 && seconds <= 300)) throw new Error(`--seconds must be a number in (0, 300], got ${seconds}`);
  return { thread, seconds, heap, url };
}

export interface RunProfileCliOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly dotenvPath?: string | false;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly now?: () => Date;
}

export async function runProfileCli(options: RunProfileCliOptions): Promise<number> {
  let args: ProfileCliArgs;
  try {
    args = parseProfileArgs(options.argv);
  } catch (e) {
    options.err(`profile: ${(e as Error).message}\nusage: npm run profile -- --thread <name> [--seconds N] [--heap]\n`);
    return 2;
  }
  const dotenvPath = options.dotenvPath ?? path.resolve('.env');
  const target = statusTarget(options.env, dotenvPath);
  const logDir = clientSettings(options.env, dotenvPath)('logDir');
  const base = args.url ?? target.baseUrl;
  const kind = args.heap ? 'heap' : 'cpu';
  const url = new URL(
    `profile?thread=${encodeURIComponent(args.thread)}&seconds=${args.seconds}&kind=${kind}`,
    base.endsWith('/') ? base : `${base}/`,
  );
  options.out(
    `profile: ${args.heap ? 'heap snapshot' : `CPU profile for ${args.seconds} s`} of ${args.thread} from ${url.origin} ...\n`,
  );
  let response: { status: number; body: string };
  try {
    response = await get(url, target.token, args.seconds * 1000 + 90_000);
  } catch (e) {
    options.err(
      `profile: cannot reach the bot at ${url.origin}: ${(e as Error).message}\n  Is it running? Check STATUS_HOST / STATUS_PORT.\n`,
    );
    return 2;
  }
  if (response.status !== 200) {
    options.err(`profile: HTTP ${response.status} from ${url.origin}: ${response.body.trim().slice(0, 500)}\n`);
    return response.status === 401 ? 2 : 1;
  }
  const dir = path.resolve(logDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${args.thread}-${stamp}.${args.heap ? 'heapsnapshot' : 'cpuprofile'}`);
  writeFileSync(file, response.body);
  options.out(
    `wrote ${file} (${(Buffer.byteLength(response.body) / 1024).toFixed(0)} KiB); open it in Chrome DevTools (Performance / Memory tab)\n`,
  );
  if (!args.heap) {
    const profile = parseCpuProfile(response.body);
    options.out(
      `top 15 by self time (${args.thread}, ${args.seconds} s, ${profile.samples.length} samples):\n${formatSelfTimeTable(topSelfTime(profile, 15))}\n`,
    );
  }
  return 0;
}

function get(url: URL, token: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token !== '') headers.Authorization = `Bearer ${token}`;
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

runIfMain(import.meta.url, 'profile', runProfileCli, 2);
