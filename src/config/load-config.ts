// Loads configuration from the environment (and `.env`, which never overrides a real env variable),
// has convict validate every key with the schema's formats, and fails with one error listing every
// problem: bad keys, `.env` problems and the cross-key rules together.
import { existsSync } from 'node:fs';
import convict from 'convict';
import { CONFIG_SCHEMA, type AppConfig, type ConfigKey } from '../../config/schema.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { crossChecks } from './cross-checks.js';
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
function mergedEnv(
  env: NodeJS.ProcessEnv,
  dotenvPath: string | false,
  warn: (message: string) => void,
): { source: NodeJS.ProcessEnv; fileProblems: readonly string[] } {
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
    return [
      key,
      {
        default: spec.default,
        doc: spec.doc,
        env: spec.env,
        sensitive: spec.sensitive === true,
        format: convictFormatName(key),
      },
    ];
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
    return {
      keys: KEYS.filter((k) => lines.some((l) => keyOf(l) === k)),
      other: lines.filter((l) => keyOf(l) === undefined),
    };
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
