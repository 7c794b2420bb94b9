// A child process whose stdout and stderr the chaos test reads while it runs: waits for a line,
// stops it by its own pid, and never outlives the test (killAll in an after hook, or the test's
// AbortSignal: a test mocha abandoned after its timeout keeps running, and must not start or keep
// bots once its after hook has cleaned up).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export class Child {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  /**
   * Both streams in the order their chunks arrived, so an offset into it stays a point in time
   * (stdout + stderr glued together would move stderr's lines past any offset as stdout grows).
   */
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private static readonly live = new Set<Child>();

  constructor(
    readonly name: string,
    script: string,
    options: SpawnOptions,
    signal?: AbortSignal,
  ) {
    if (signal?.aborted) throw new Error(`${name}: not started, the test was aborted`);
    this.proc = spawn(process.execPath, [script], { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      this.output += d;
    });
    this.proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      this.output += d;
    });
    // A child that dies must not turn a stdin write into an unhandled EPIPE.
    this.proc.stdin?.on('error', () => undefined);
    Child.live.add(this);
    const onAbort = (): void => this.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, exitSignal) => {
        Child.live.delete(this);
        signal?.removeEventListener('abort', onAbort);
        resolve({ code, signal: exitSignal });
      });
    });
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves with the first match of `re` in stdout+stderr (from `from` on). */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = this.output.slice(from).match(re);
        if (!m) return false;
        clearInterval(poll);
        clearTimeout(deadline);
        resolve(m);
        return true;
      };
      const poll = setInterval(() => {
        if (check()) return;
        if (!this.running) {
          clearInterval(poll);
          clearTimeout(deadline);
          reject(new Error(`${this.name} exited before ${re}:\n${this.tail()}`));
        }
      }, 50);
      const deadline = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${re}:\n${this.tail()}`));
      }, timeoutMs);
      check();
    });
  }

  send(line: string): void {
    this.proc.stdin?.write(`${line}\n`);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.proc.kill(signal);
  }

  tail(chars = 4000): string {
    const all = this.output;
    return all.length > chars ? `...${all.slice(-chars)}` : all;
  }

  /** SIGKILLs every child still running (test cleanup). */
  static async killAll(): Promise<void> {
    const left = [...Child.live];
    for (const c of left) c.kill('SIGKILL');
    await Promise.all(left.map((c) => c.exited));
  }
}
