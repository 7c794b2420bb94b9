// A child process (the bot, the simulator CLI, a fixture, redis-server, npm) whose stdout and stderr a
// test reads while it runs: waits for a line, stops it by its own pid, and never outlives the test
// (killAll in an after hook, or the test's AbortSignal: a test mocha abandoned after its timeout keeps
// running, and must not start or keep children once its after hook has cleaned up). The one
// spawn-and-capture implementation: harnesses such as the e2e BotProcess build on it.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { waitUntil } from './wait-until.js';

/**
 * What to run: a script path (run by this Node), or an executable with its arguments (a script with
 * arguments is `{ command: process.execPath, args: [script, ...] }`).
 */
export type ChildCommand = string | { readonly command: string; readonly args: readonly string[] };

/** Spawn options, plus whether the test may write to the child's stdin (default) or it reads /dev/null. */
export type ChildOptions = SpawnOptions & { readonly stdin?: 'pipe' | 'ignore' };

/** One complete output line (a trailing partial line is delivered when its stream ends). */
export type ChildLineListener = (stream: 'stdout' | 'stderr', line: string) => void;

export class Child {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  /**
   * Both streams in the order their chunks arrived, so an offset into it stays a point in time
   * (stdout + stderr glued together would move stderr's lines past any offset as stdout grows).
   */
  output = '';
  /** Set when the executable could not be started at all (ENOENT, EACCES). */
  spawnError: Error | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private static readonly live = new Set<Child>();
  private readonly lineListeners: ChildLineListener[] = [];

  constructor(
    readonly name: string,
    what: ChildCommand,
    options: ChildOptions,
    signal?: AbortSignal,
  ) {
    if (signal?.aborted) throw new Error(`${name}: not started, the test was aborted`);
    const { command, args } = typeof what === 'string' ? { command: process.execPath, args: [what] } : what;
    const { stdin = 'pipe', ...spawnOptions } = options;
    this.proc = spawn(command, [...args], { ...spawnOptions, stdio: [stdin, 'pipe', 'pipe'] });
    for (const stream of ['stdout', 'stderr'] as const) {
      let partial = '';
      this.proc[stream]?.setEncoding('utf8').on('data', (d: string) => {
        this[stream] += d;
        this.output += d;
        const parts = (partial + d).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) this.emitLine(stream, line);
      });
      this.proc[stream]?.on('end', () => {
        if (partial !== '') this.emitLine(stream, partial);
        partial = '';
      });
    }
    // A child that dies must not turn a stdin write into an unhandled EPIPE.
    this.proc.stdin?.on('error', () => undefined);
    // A missing executable: 'close' still follows, so `exited` settles; the reason goes in the output.
    this.proc.once('error', (err) => {
      this.spawnError = err;
      this.output += `\n[${name}: ${err.message}]\n`;
    });
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

  /**
   * Calls `listener` with every complete line from now on; register before the child can print
   * (right after construction) to see them all.
   */
  onLine(listener: ChildLineListener): void {
    this.lineListeners.push(listener);
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

  private emitLine(stream: 'stdout' | 'stderr', line: string): void {
    for (const listener of this.lineListeners) listener(stream, line);
  }

  /** SIGKILLs every child still running (test cleanup). */
  static async killAll(): Promise<void> {
    const left = [...Child.live];
    for (const c of left) c.kill('SIGKILL');
    await Promise.all(left.map((c) => c.exited));
  }
}

/**
 * Runs `what` to its exit and resolves with the exit code and the output; a child still running
 * after `timeoutMs` is SIGKILLed and the promise rejects with its output. Its stdin is /dev/null
 * (nobody can write to it, and a pipe left open would keep a program that reads stdin waiting).
 */
export async function runToExit(
  name: string,
  what: ChildCommand,
  options: SpawnOptions,
  timeoutMs = 25_000,
): Promise<{ code: number | null; output: string; stdout: string; stderr: string }> {
  const child = new Child(name, what, { stdin: 'ignore', ...options });
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<'overrun'>((resolve) => (timer = setTimeout(() => resolve('overrun'), timeoutMs)));
  const result = await Promise.race([child.exited, overrun]);
  clearTimeout(timer);
  if (result === 'overrun') {
    child.kill('SIGKILL');
    await child.exited;
    throw new Error(`${name} still running after ${timeoutMs} ms:\n${child.tail()}`);
  }
  if (child.spawnError) throw new Error(`${name}: cannot start: ${child.spawnError.message}`);
  return { code: result.code, output: child.output, stdout: child.stdout, stderr: child.stderr };
}
