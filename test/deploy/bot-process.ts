// The real bot (the built supervisor entry) as a child process, with its console captured so tests
// can wait for lines such as the printed dashboard URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { waitUntil } from '../support/wait-until.js';

export class BotProcess {
  private output = '';
  private readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;

  constructor(entry: string, options: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.child = spawn(process.execPath, [entry], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString();
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Everything the bot printed so far (stdout and stderr interleaved as they arrived). */
  get text(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first match of `re` in the output, waiting for it; fails early if the bot exits. */
  waitFor(re: RegExp, what: string, timeoutMs = 30_000): Promise<RegExpExecArray> {
    return waitUntil(
      what,
      () => {
        const match = re.exec(this.output);
        if (match) return match;
        if (!this.running) throw new Error(`the bot exited (${this.child.exitCode ?? this.child.signalCode})`);
        return undefined;
      },
      { timeoutMs, intervalMs: 50, diagnostics: () => `--- bot output (tail) ---\n${this.output.slice(-4000)}` },
    );
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Last resort for cleanup: SIGKILL if still running. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
