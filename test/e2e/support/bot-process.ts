// The whole bot (the built supervisor entry) as a child process: real worker threads, real ports,
// real SQLite. Tests wait on its output lines, never on sleeps, and always SIGKILL what is left.
// Spawning and capturing are test/support's Child; this adds the bot's settings, timed lines and
// event-driven waits on them.
import path from 'node:path';
import { BOT_ENTRY } from '../../support/bot-entry.js';
import { Child } from '../../support/child-process.js';

/** Settings every e2e run shares: a fast paper market and quick supervision. Tests override. */
export const FAST_MARKET_ENV: Readonly<Record<string, string>> = {
  TRADING_MODE: 'paper',
  STATUS_PORT: '0',
  // debug: the tests wait on every reconciliation pass, which is logged at info only when eventful.
  LOG_LEVEL: 'debug',
  CHECK_INTERVAL: '2',
  KLINE_GRANULARITY: '1',
  POSITION_UPDATE_INTERVAL: '0.5',
  LIVE_LOOP_INTERVAL: '0.05',
  TRAILING_STOP_PERCENTAGE: '0.005',
  MIN_CONFIDENCE: '0.5',
  MAX_OPEN_POSITIONS: '3',
  HEARTBEAT_INTERVAL: '0.5',
  STALL_TIMEOUT: '2',
  SHUTDOWN_TIMEOUT: '5',
  HEALTH_REPORT_INTERVAL: '3600',
};

export interface BotLine {
  /** ms since the process was spawned. */
  readonly at: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export interface BotStartOptions {
  /** Working directory; DATA_DIR and LOG_DIR default to folders inside it. */
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  /** Echo every line to the test's console (debugging; E2E_ECHO=1 turns it on for every run). */
  readonly echo?: boolean;
}

// Strips winston's colour codes so patterns can match the plain text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what starts an ANSI colour code
const ANSI = /\u001b\[[0-9;]*m/g;

export class BotProcess {
  readonly lines: BotLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: Child;
  private readonly startedAt = performance.now();
  private readonly waiters = new Set<() => void>();
  private closed = false;

  private constructor(options: BotStartOptions) {
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      ...FAST_MARKET_ENV,
      DATA_DIR: path.join(options.dir, 'data'),
      LOG_DIR: path.join(options.dir, 'logs'),
      ...options.env,
    };
    this.child = new Child('bot', BOT_ENTRY, { cwd: options.dir, env, stdin: 'ignore' });
    const echo = options.echo ?? process.env['E2E_ECHO'] === '1';
    this.child.onLine((stream, raw) => this.push(stream, raw, echo));
    this.exited = this.child.exited.then((result) => {
      this.closed = true;
      this.notify();
      return result;
    });
  }

  static start(options: BotStartOptions): BotProcess {
    return new BotProcess(options);
  }

  get pid(): number | undefined {
    return this.child.proc.pid;
  }

  get alive(): boolean {
    return this.child.running;
  }

  /** All output so far, one string (for failure messages). */
  get output(): string {
    return this.lines.map((l) => `${(l.at / 1000).toFixed(1).padStart(6)} ${l.text}`).join('\n');
  }

  /** The tail of the output, for assertion messages that stay readable. */
  tail(n = 60): string {
    return this.lines
      .slice(-n)
      .map((l) => `${(l.at / 1000).toFixed(1).padStart(6)} ${l.text}`)
      .join('\n');
  }

  matching(re: RegExp, from = 0): BotLine[] {
    return this.lines.slice(from).filter((l) => re.test(l.text));
  }

  /** Lines `TRADE <KIND> ...` (OPENED, CLOSED, STOP MOVED, KILL SWITCH, ...). */
  trades(kind: string, from = 0): BotLine[] {
    return this.matching(new RegExp(`^TRADE ${kind}\\b`), from);
  }

  /**
   * Resolves with the `count`-th line (counting from index `from`) that matches; rejects after
   * `timeoutMs` or when the process exits first, with the output tail in the message.
   */
  waitForLine(
    re: RegExp,
    what: string,
    timeoutMs: number,
    options: { count?: number; from?: number } = {},
  ): Promise<BotLine> {
    const count = options.count ?? 1;
    const from = options.from ?? 0;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hits = this.matching(re, from);
        if (hits.length >= count) {
          done();
          resolve(hits[count - 1]!);
          return true;
        }
        if (this.closed) {
          done();
          reject(
            new Error(
              `bot exited (code ${this.child.proc.exitCode}, signal ${this.child.proc.signalCode}) before ${what}:\n${this.tail()}`,
            ),
          );
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${this.tail()}`));
      }, timeoutMs);
      const waiter = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      if (!check()) this.waiters.add(waiter);
    });
  }

  /** The status server's base URL, from the `Dashboard:` line. */
  async statusUrl(timeoutMs = 20_000): Promise<string> {
    const line = await this.waitForLine(/^Dashboard: (http:\/\/\S+?)\/?\s/, 'the Dashboard line', timeoutMs);
    return /^Dashboard: (http:\/\/\S+?)\/?\s/.exec(line.text)![1]!;
  }

  /** SIGINT and wait for the exit (SIGKILL if it overruns `timeoutMs`). */
  async interrupt(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; tookMs: number }> {
    const sent = performance.now();
    this.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<'overrun'>((resolve) => (timer = setTimeout(() => resolve('overrun'), timeoutMs)));
    const result = await Promise.race([this.exited, overrun]);
    clearTimeout(timer);
    if (result === 'overrun') {
      this.kill();
      throw new Error(`bot did not exit within ${timeoutMs} ms of SIGINT:\n${this.tail()}`);
    }
    return { ...result, tookMs: performance.now() - sent };
  }

  /** SIGKILL (a crash: no shutdown step runs) and wait for the exit. */
  async crash(): Promise<void> {
    this.kill();
    await this.exited;
  }

  /** SIGKILL if still running; safe to call at any time (afterEach). */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  private push(stream: 'stdout' | 'stderr', raw: string, echo: boolean): void {
    const text = raw.replace(ANSI, '').replace(/\r$/, '');
    if (text.trim() === '') return;
    const line = { at: performance.now() - this.startedAt, stream, text };
    this.lines.push(line);
    if (echo) console.log(`[bot ${(line.at / 1000).toFixed(1)}] ${text}`);
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Net PnL of a `TRADE CLOSED ... pnl <x> ...` line. */
export function closedPnl(line: BotLine): number {
  const m = / pnl (-?\d+(?:\.\d+)?) /.exec(line.text);
  if (!m) throw new Error(`not a CLOSED line: ${line.text}`);
  return Number(m[1]);
}

/** `Total P/L: <x> USDT` from the final health report. */
export function reportedTotalPnl(lines: readonly BotLine[]): number | undefined {
  const hit = [...lines].reverse().find((l) => /Total P\/L: /.test(l.text));
  if (!hit) return undefined;
  const m = /Total P\/L: ([+-]?\d+(?:\.\d+)?) USDT/.exec(hit.text);
  return m ? Number(m[1]) : undefined;
}

/** `Open: <n>` (positions open now) from the final health report. */
export function reportedOpenPositions(lines: readonly BotLine[]): number | undefined {
  const hit = [...lines].reverse().find((l) => /^\s*Open: \d+\s+Opened: /.test(l.text));
  return hit ? Number(/Open: (\d+)/.exec(hit.text)![1]) : undefined;
}
