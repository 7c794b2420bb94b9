// winston logger: human lines on the console, JSON lines in LOG_DIR, configured secrets scrubbed from
// both before any transport sees them.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import { createRedactor } from './redact.js';

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
}

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 5;

export function createLogger(options: LoggerOptions = {}): Logger {
  const redact = createRedactor(options.secrets ?? []);
  const scrub = winston.format((info) => redact(info))();
  const base = winston.format.combine(winston.format.errors({ stack: true }), scrub, winston.format.timestamp());

  const human = winston.format.printf((info) => {
    const { level, message, timestamp, component, stack, ...rest } = info as Record<string, unknown>;
    const meta = Object.keys(rest).length > 0 ? ' ' + JSON.stringify(rest) : '';
    const who = component ? ` [${String(component)}]` : '';
    const trace = typeof stack === 'string' ? `\n${stack}` : '';
    return `${String(timestamp)} ${String(level)}${who}: ${String(message)}${meta}${trace}`;
  });

  const transports: winston.transport[] = (options.transports ?? []).map((t) => {
    t.format ??= human;
    return t;
  });
  if (options.console !== false) {
    // Colour only on a terminal: under pm2 the console goes to log files. Warnings and errors go to
    // stderr so pm2's error log holds them.
    const format = process.stdout.isTTY ? winston.format.combine(winston.format.colorize(), human) : human;
    transports.push(new winston.transports.Console({ format, stderrLevels: ['error', 'warn'] }));
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
    level: options.level ?? 'info',
    format: base,
    defaultMeta: options.component ? { component: options.component } : undefined,
    transports,
  });
}
