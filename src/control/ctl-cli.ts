// `npm run ctl -- <command>`: steers a running bot over its control socket (DATA_DIR/ctl.sock,
// owner-only), so no token is needed on the bot's machine. Commands: pause | resume |
// close <SYMBOL> | close all | breaker reset | status; `--json` prints the raw answer.
// Exit codes: 0 done, 1 the bot refused or could not do it, 2 bad usage or no bot to talk to.
import { connect } from 'node:net';
import path from 'node:path';
import { runIfMain } from '../cli/run-if-main.js';
import { clientSettings } from '../config/client-settings.js';
import { controlSocketPath } from './control-socket.js';
import { parseCommandWords, type OperatorCommand } from './operator-command.js';
import type { CommandResult } from './operator-controls.js';
import { systemClock } from '../resilience/clock.js';

export const EXIT_DONE = 0;
export const EXIT_REFUSED = 1;
export const EXIT_UNREACHABLE = 2;

export interface RunCtlOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** `.env` location (default `.env` in the cwd); false reads none. */
  readonly dotenvPath?: string | false;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Longest wait for the answer (a close waits for the exchange). Default 60 s. */
  readonly timeoutMs?: number;
}

/** DATA_DIR from the environment over `.env`, as the bot reads it. */
export function dataDirOf(env: NodeJS.ProcessEnv, dotenvPath: string | false): string {
  return clientSettings(env, dotenvPath)('dataDir');
}

export async function runCtl(options: RunCtlOptions): Promise<number> {
  const json = options.argv.includes('--json');
  const parsed = parseCommandWords(options.argv.filter((a) => a !== '--json'));
  if (!parsed.ok) {
    options.err(`ctl: ${parsed.problem}\n`);
    return EXIT_UNREACHABLE;
  }
  const socketPath = controlSocketPath(dataDirOf(options.env, options.dotenvPath ?? path.resolve('.env')));
  let answer: Partial<CommandResult>;
  try {
    answer = await request(socketPath, parsed.command, options.timeoutMs ?? 60_000);
  } catch (err) {
    options.err(
      `ctl: cannot reach the bot at ${socketPath}: ${(err as Error).message}\n` +
        "  Is the bot running, with the same DATA_DIR (environment or .env)? Over the network, POST to the status server's /control/ endpoints with STATUS_TOKEN.\n",
    );
    return EXIT_UNREACHABLE;
  }
  options.out(json ? `${JSON.stringify(answer, null, 2)}\n` : formatAnswer(answer));
  return answer.ok === true ? EXIT_DONE : EXIT_REFUSED;
}

export function formatAnswer(a: Partial<CommandResult>): string {
  const lines: string[] = [];
  const entries =
    a.paused === undefined ? '' : a.paused ? `entries PAUSED since ${a.pausedSince ?? '?'}` : 'entries open';
  if (a.status) {
    const s = a.status;
    lines.push(`mode: ${s.mode}   health: ${s.health}${s.reasons.length > 0 ? ` (${s.reasons.join('; ')})` : ''}`);
    lines.push(entries);
    lines.push(
      `open positions: ${s.openPositions.length === 0 ? 'none' : s.openPositions.map((p) => `${p.symbol} ${p.side} ${p.size}`).join(', ')}`,
    );
    if (s.recentCommands.length > 0) {
      lines.push('recent commands:');
      for (const c of s.recentCommands) {
        lines.push(
          `  ${new Date(c.at).toISOString()}  ${c.command}${c.target ? ` ${c.target}` : ''} (${c.source}) ${c.ok ? 'ok' : 'FAILED'}: ${c.detail}`,
        );
      }
    }
  } else {
    lines.push(`${a.ok ? 'ok' : 'FAILED'}${a.command ? ` ${a.command}` : ''}: ${a.detail ?? ''}`);
    if (entries) lines.push(entries);
  }
  return `${lines.join('\n')}\n`;
}

function request(socketPath: string, command: OperatorCommand, timeoutMs: number): Promise<Partial<CommandResult>> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffer = '';
    const timer = systemClock.setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once('connect', () => socket.write(`${JSON.stringify({ command })}\n`));
    socket.on('data', (chunk: Buffer) => (buffer += chunk.toString('utf8')));
    socket.once('error', (err) => {
      timer.cancel();
      reject(err);
    });
    socket.once('end', () => {
      timer.cancel();
      try {
        resolve(JSON.parse(buffer) as Partial<CommandResult>);
      } catch {
        reject(new Error(`unreadable answer: ${buffer.slice(0, 200)}`));
      }
    });
  });
}

runIfMain(import.meta.url, 'npm run ctl', runCtl, 1);
