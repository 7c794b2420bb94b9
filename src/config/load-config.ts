// Loads configuration from the environment (and `.env`, which never overrides a real env variable),
// validates every key and fails with one error listing every problem.
import { existsSync } from 'node:fs';
import convict from 'convict';
import { CONFIG_SCHEMA, type AppConfig, type ConfigKey } from '../../config/schema.js';
import { webhookUrlProblem } from '../alerts/webhook-url.js';
import { isLoopbackHost } from '../net/loopback-host.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { reconcileIntervalSeconds } from './derived-intervals.js';
import { checkDotenvFile } from './dotenv-file.js';

export type { AppConfig } from '../../config/schema.js';

export interface LoadConfigOptions {
  /** Path of a dotenv file to merge under `env`; `false` reads none. Default `.env` in the cwd. */
  readonly dotenvPath?: string | false;
  /** Where start-up warnings go (a `.env` other users can read). Default: stderr. */
  readonly onWarning?: (message: string) => void;
}

const REDACTED = '[redacted]';

const KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];
const ENV_NAMES: readonly string[] = Object.values(CONFIG_SCHEMA).map((spec) => spec.env);
const SENSITIVE_ENV_NAMES: readonly string[] = Object.values(CONFIG_SCHEMA)
  .filter((spec) => spec.sensitive === true)
  .map((spec) => spec.env);

/** Env values from the dotenv file with the real environment layered on top, plus the file's own problems. */
function mergedEnv(env: NodeJS.ProcessEnv, dotenvPath: string | false, warn: (message: string) => void): { source: NodeJS.ProcessEnv; fileProblems: readonly string[] } {
  if (dotenvPath === false || !existsSync(dotenvPath)) return { source: env, fileProblems: [] };
  const file = checkDotenvFile(dotenvPath, ENV_NAMES, SENSITIVE_ENV_NAMES);
  for (const w of file.warnings) warn(w);
  return { source: { ...file.values, ...env }, fileProblems: file.problems };
}

// Each setting's format goes to convict under a name of its own (formats are global in convict), so
// convict's validate() runs the schema's checks; registered once, when this module loads.
export const convictFormatName = (key: ConfigKey): string => `setting:${key}`;
convict.addFormats(
  Object.fromEntries(
    KEYS.map((key) => {
      const format = CONFIG_SCHEMA[key].format;
      const coerce = (v: unknown): unknown => (typeof v === 'string' ? format.coerce(v) : v);
      return [convictFormatName(key), { coerce, validate: (v: unknown) => format.validate(v) }];
    }),
  ),
);

const CONVICT_SCHEMA: convict.Schema<Record<string, unknown>> = Object.fromEntries(
  KEYS.map((key) => {
    const spec = CONFIG_SCHEMA[key];
    return [key, { default: spec.default, doc: spec.doc, env: spec.env, sensitive: spec.sensitive === true, format: convictFormatName(key) }];
  }),
);

/** The keys convict's validate() rejected. Its error holds one `<key>: <reason>` line per bad key. */
function rejectedKeys(conf: convict.Config<Record<string, unknown>>): { keys: ConfigKey[]; other: string[] } {
  try {
    conf.validate({ allowed: 'strict' });
    return { keys: [], other: [] };
  } catch (err) {
    const lines = (err as Error).message.split('\n');
    const keyOf = (line: string): ConfigKey | undefined => KEYS.find((k) => line.startsWith(`${k}: `));
    // Anything not about one setting (convict itself failing) is still reported, never dropped.
    return { keys: KEYS.filter((k) => lines.some((l) => keyOf(l) === k)), other: lines.filter((l) => keyOf(l) === undefined) };
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): AppConfig {
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const { source, fileProblems } = mergedEnv(env, options.dotenvPath ?? '.env', warn);
  const conf = convict(CONVICT_SCHEMA, { env: source, args: [] });
  const rejected = rejectedKeys(conf);
  const problems: ConfigProblem[] = rejected.keys.map((key) => {
    const spec = CONFIG_SCHEMA[key];
    const shown = spec.sensitive ? REDACTED : JSON.stringify(source[spec.env] ?? conf.get(key));
    return { env: spec.env, value: shown, allowed: spec.format.allowed };
  });
  const values = conf.getProperties() as AppConfig;
  const notes = [...fileProblems, ...rejected.other, ...crossChecks(values, problems.length === 0)];
  if (problems.length > 0 || notes.length > 0) throw new ConfigError(problems, notes);
  return Object.freeze(values);
}

/**
 * Rules that span keys, which no single convict format can express (a format sees one value); only
 * meaningful once each key is valid on its own.
 */
function crossChecks(cfg: AppConfig, keysValid: boolean): string[] {
  const notes: string[] = [];
  if (cfg.tradingMode === 'live') {
    const missing = (['kucoinApiKey', 'kucoinApiSecret', 'kucoinApiPassphrase'] as const)
      .filter((k) => String(cfg[k]).trim() === '')
      .map((k) => CONFIG_SCHEMA[k].env);
    if (missing.length > 0) {
      notes.push(`TRADING_MODE=live needs KuCoin credentials: set ${missing.join(', ')} (or use TRADING_MODE=paper)`);
    }
  }
  if (cfg.chaosHook === '1' && cfg.tradingMode === 'live') {
    notes.push('CHAOS_HOOK=1 stalls and kills worker threads on signals and is for paper-mode tests only: unset it (or set 0) with TRADING_MODE=live');
  }
  if (cfg.perfInject.trim() !== '' && cfg.tradingMode === 'live') {
    notes.push('PERF_INJECT slows or bloats worker threads on purpose and is for paper mode only: unset it with TRADING_MODE=live');
  }
  if (!keysValid) return notes;
  if (cfg.statusToken === '' && !isLoopbackHost(cfg.statusHost)) {
    notes.push(
      `STATUS_HOST=${cfg.statusHost} lets other machines reach the status server, so STATUS_TOKEN must be set ` +
        '(or bind STATUS_HOST=127.0.0.1 and reach it through an SSH tunnel)',
    );
  }
  if (cfg.alertWebhookUrl !== '') {
    const problem = webhookUrlProblem(cfg.alertWebhookUrl, cfg.alertWebhookInsecure === '1');
    if (problem !== null) notes.push(problem);
  }
  if (cfg.startupTimeout <= cfg.heartbeatInterval) {
    notes.push(`STARTUP_TIMEOUT (${cfg.startupTimeout}) must be longer than HEARTBEAT_INTERVAL (${cfg.heartbeatInterval})`);
  }
  if (cfg.stallTimeout <= cfg.heartbeatInterval) {
    notes.push(`STALL_TIMEOUT (${cfg.stallTimeout}) must be longer than HEARTBEAT_INTERVAL (${cfg.heartbeatInterval})`);
  }
  if (cfg.progressTimeout <= cfg.heartbeatInterval) {
    notes.push(`PROGRESS_TIMEOUT (${cfg.progressTimeout}) must be longer than HEARTBEAT_INTERVAL (${cfg.heartbeatInterval})`);
  }
  // Each worker proves progress once per loop step: the scanner once per CHECK_INTERVAL, the
  // executor once per reconciliation. A shorter PROGRESS_TIMEOUT would restart them forever.
  if (cfg.progressTimeout <= cfg.checkInterval) {
    notes.push(`PROGRESS_TIMEOUT (${cfg.progressTimeout}) must be longer than CHECK_INTERVAL (${cfg.checkInterval}): the scanner shows progress once per scan`);
  }
  const reconcile = reconcileIntervalSeconds(cfg.positionUpdateInterval);
  if (cfg.progressTimeout <= reconcile) {
    notes.push(`PROGRESS_TIMEOUT (${cfg.progressTimeout}) must be longer than the executor's reconciliation interval (${reconcile} s, from POSITION_UPDATE_INTERVAL)`);
  }
  return notes;
}

/** Values of every sensitive setting that is set, for the log redactor. */
export function secretsOf(cfg: AppConfig): string[] {
  return (Object.keys(CONFIG_SCHEMA) as ConfigKey[])
    .filter((k) => CONFIG_SCHEMA[k].sensitive === true)
    .map((k) => String(cfg[k]))
    .filter((v) => v.length > 0);
}

/** The configuration as loggable data, sensitive values redacted. */
export function describeConfig(cfg: AppConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(CONFIG_SCHEMA) as ConfigKey[]) {
    const spec = CONFIG_SCHEMA[key];
    out[spec.env] = spec.sensitive && String(cfg[key]) !== '' ? REDACTED : cfg[key];
  }
  return out;
}
