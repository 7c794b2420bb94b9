// A child process whose stdout and stderr the chaos test reads while it runs: waits for a line,
// stops it by its own pid, and never outlives the test (killAll in an after hook).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export class Child {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private static readonly live = new Set<Child>();

  constructor(
    readonly name: string,
    script: string,
    options: SpawnOptions,
  ) {
    this.proc = spawn(process.execPath, [script], { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.proc.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // A child that dies must not turn a stdin write into an unhandled EPIPE.
    this.proc.stdin?.on('error', () => undefined);
    Child.live.add(this);
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        Child.live.delete(this);
        resolve({ code, signal });
      });
    });
  }

  get output(): string {
    return this.stdout + this.stderr;
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
