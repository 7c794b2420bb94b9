// winston logger: JSON lines in LOG_DIR/bot.log, configured secrets scrubbed before any transport
// sees them. The console is for a person (console-lines.ts prints banner, trades, alerts, summary
// and reports there): in the default `pretty` format it shows log records only at `error`, or all
// of them at LOG_LEVEL=debug (a developer chasing something); `json` puts every record at LOG_LEVEL
// on the console as a JSON line, for log collectors.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { createRedactor } from './redact.js';
import { CONFIG_DEFAULTS } from '../../config/schema.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly level?: string;
  /** Directory for `bot.log` (JSON lines); omit for console only. */
  readonly logDir?: string;
  /** Values that must never appear in any output. */
  readonly secrets?: readonly string[];
  /** Component name added to every line (e.g. the worker's name). */
  readonly component?: string;
  /** Extra transports (tests capture output through these). */
  readonly transports?: readonly winston.transport[];
  /** Skip the console transport (tests and tools). */
  readonly console?: boolean;
  /** CONSOLE_FORMAT: `pretty` (default) or `json`. */
  readonly consoleFormat?: ConsoleFormat;
  /** Leave the time off pretty console lines (pm2 stamps every line itself). Default: under pm2. */
  readonly consoleTimestamp?: boolean;
}

export const CONSOLE_FORMATS = ['pretty', 'json'] as const;
export type ConsoleFormat = (typeof CONSOLE_FORMATS)[number];

/** pm2 sets `pm_id` in the environment of every process it runs. */
export function runningUnderPm2(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['pm_id'] !== undefined;
}

/** The console's level: pretty shows errors only, unless LOG_LEVEL=debug; json follows LOG_LEVEL. */
export function consoleLevel(format: ConsoleFormat, level: string): string {
  if (format === 'json') return level;
  return level === 'debug' ? 'debug' : 'error';
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 5;

export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = createRedactor(options.secrets ?? []);
  const scrub = winston.format((info) => redact(info))();
  const base = winston.format.combine(winston.format.errors({ stack: true }), scrub, winston.format.timestamp());

  const stamped = options.consoleTimestamp ?? !runningUnderPm2();
  const human = winston.format.printf((info) => {
    const { level, message, timestamp, component, stack, ...rest } = info as Record<string, unknown>;
    const meta = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    const who = component ? ` [${String(component)}]` : '';
    const trace = typeof stack === 'string' ? `\n${stack}` : '';
    return `${stamped ? `${String(timestamp)} ` : ''}${String(level)}${who}: ${String(message)}${meta}${trace}`;
  });

  const transports: winston.transport[] = (options.transports ?? []).map((t) => {
    t.format ??= human;
    return t;
  });
  if (options.console !== false) {
    // Colour only on a terminal: under pm2 the console goes to log files. Warnings and errors go to
    // stderr so pm2's error log holds them.
    const consoleFormat = options.consoleFormat ?? CONFIG_DEFAULTS.consoleFormat;
    const pretty = process.stdout.isTTY ? winston.format.combine(winston.format.colorize(), human) : human;
    const format = consoleFormat === 'json' ? winston.format.json() : pretty;
    const level = consoleLevel(consoleFormat, options.level ?? CONFIG_DEFAULTS.logLevel);
    transports.push(new winston.transports.Console({ level, format, stderrLevels: ['error', 'warn'] }));
  }
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    transports.push(
      new winston.transports.File({
        filename: path.join(options.logDir, 'bot.log'),
        format: winston.format.json(),
        maxsize: MAX_FILE_BYTES,
        maxFiles: MAX_FILES,
        tailable: true,
      }),
    );
  }
  return winston.createLogger({
    level: options.level ?? CONFIG_DEFAULTS.logLevel,
    format: base,
    defaultMeta: options.component ? { component: options.component } : undefined,
    transports,
  });
}
