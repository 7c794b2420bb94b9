// The lines a person reads on the console: the start-up banner, trade events, alerts, the periodic
// summary and the health reports. One line per event, no JSON fields in `pretty`; with
// CONSOLE_FORMAT=json each becomes one JSON object (`console: true`) so a log collector can tell
// them from log records. Secrets are scrubbed like everywhere else.
import type { ConsoleFormat } from './logger.js';
import { createRedactor } from './redact.js';
import { type Clock, systemClock } from '../resilience/clock.js';

export type ConsoleLineLevel = 'info' | 'warn' | 'error';

/** Prints one person-facing line (a multi-line report stays one write). */
export type ConsoleLines = (text: string, level?: ConsoleLineLevel) => void;

export interface ConsoleLinesOptions {
  readonly format: ConsoleFormat;
  readonly secrets?: readonly string[];
  readonly stdout?: (chunk: string) => void;
  readonly stderr?: (chunk: string) => void;
  /** Stamps json lines. Default systemClock. */
  readonly clock?: Pick<Clock, 'now'>;
}

export function createConsoleLines(options: ConsoleLinesOptions): ConsoleLines {
  const redact = createRedactor(options.secrets ?? []);
  const out = options.stdout ?? ((c: string) => void process.stdout.write(c));
  const err = options.stderr ?? ((c: string) => void process.stderr.write(c));
  const clock = options.clock ?? systemClock;
  return (text, level = 'info') => {
    const clean = String(redact(text));
    const write = level === 'info' ? out : err;
    if (options.format === 'json') {
      write(
        `${JSON.stringify({ timestamp: new Date(clock.now()).toISOString(), level, message: clean, console: true })}\n`,
      );
    } else {
      write(`${clean}\n`);
    }
  };
}
