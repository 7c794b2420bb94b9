// A child process (the bot, the simulator CLI, a fixture) whose stdout and stderr a test reads
// while it runs: waits for a line, stops it by its own pid, and never outlives the test (killAll in
// an after hook, or the test's AbortSignal: a test mocha abandoned after its timeout keeps running,
// and must not start or keep children once its after hook has cleaned up).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { waitUntil } from './wait-until.js';

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
      // 'close' follows 'exit' once the output streams ended, so every line is in by then.
      this.proc.once('close', (code, exitSignal) => {
        Child.live.delete(this);
        signal?.removeEventListener('abort', onAbort);
        resolve({ code, signal: exitSignal });
      });
    });
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves with the first match of `re` in stdout+stderr (from `from` on); rejects if the child exits first. */
  waitFor(re: RegExp, timeoutMs: number, from = 0): Promise<RegExpMatchArray> {
    return waitUntil(`${this.name}: ${re}`, () => this.output.slice(from).match(re) ?? undefined, {
      timeoutMs,
      intervalMs: 50,
      failIf: () => (this.running ? undefined : `${this.name} exited`),
      diagnostics: () => this.tail(),
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

/**
 * Runs `script` to its exit and resolves with the exit code and the output; a child still running
 * after `timeoutMs` is SIGKILLed and the promise rejects with its output.
 */
export async function runToExit(
  name: string,
  script: string,
  options: SpawnOptions,
  timeoutMs = 25_000,
): Promise<{ code: number | null; output: string; stdout: string; stderr: string }> {
  const child = new Child(name, script, options);
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<'overrun'>((resolve) => (timer = setTimeout(() => resolve('overrun'), timeoutMs)));
  const result = await Promise.race([child.exited, overrun]);
  clearTimeout(timer);
  if (result === 'overrun') {
    child.kill('SIGKILL');
    await child.exited;
    throw new Error(`${name} still running after ${timeoutMs} ms:\n${child.tail()}`);
  }
  return { code: result.code, output: child.output, stdout: child.stdout, stderr: child.stderr };
}
