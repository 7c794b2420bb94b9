// The real pm2 command line (the project's dev dependency) against a private PM2_HOME, so a test's
// daemon, sockets, logs and process list never touch a user's own pm2.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Pm2Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const processSchema = z.object({
  pid: z.number(),
  name: z.string(),
  monit: z.object({ memory: z.number(), cpu: z.number() }).optional(),
  pm2_env: z.object({
    status: z.string(),
    restart_time: z.number(),
    unstable_restarts: z.number(),
    pm_uptime: z.number(),
    pm_out_log_path: z.string(),
    pm_err_log_path: z.string(),
    pm_exec_path: z.string(),
    pm_cwd: z.string(),
    wait_ready: z.boolean().optional(),
    listen_timeout: z.number().optional(),
    kill_timeout: z.number().optional(),
    exp_backoff_restart_delay: z.number().optional(),
    max_memory_restart: z.number().optional(),
    // pm2 stores a one-element list as the bare number.
    stop_exit_codes: z.union([z.number(), z.array(z.number())]).optional(),
    node_args: z.array(z.string()).optional(),
    exit_code: z.number().optional(),
    env: z.record(z.string(), z.unknown()),
  }),
});

export type Pm2Process = z.infer<typeof processSchema>;

export class Pm2Cli {
  /** `bin` is pm2's CLI script; every call runs it with `env` plus PM2_HOME=`home`. */
  constructor(
    readonly bin: string,
    readonly home: string,
    readonly env: NodeJS.ProcessEnv,
    readonly cwd: string,
  ) {}

  /** Runs `pm2 <args>`; resolves with the exit code and output, never rejects on a non-zero exit. */
  run(args: readonly string[], timeoutMs = 60_000, extraEnv: NodeJS.ProcessEnv = {}): Promise<Pm2Result> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [this.bin, ...args],
        {
          cwd: this.cwd,
          env: { ...this.env, ...extraEnv, PM2_HOME: this.home },
          timeout: timeoutMs,
          maxBuffer: 16 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') {
            reject(new Error(`pm2 ${args.join(' ')} failed to run: ${error.message}\n${stdout}\n${stderr}`));
            return;
          }
          resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
        },
      );
    });
  }

  /** Runs `pm2 <args>` and fails with its output unless it exits 0. */
  async ok(args: readonly string[], timeoutMs?: number, extraEnv?: NodeJS.ProcessEnv): Promise<Pm2Result> {
    const result = await this.run(args, timeoutMs, extraEnv);
    if (result.code !== 0)
      throw new Error(`pm2 ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  /** `pm2 jlist`, validated. */
  async list(): Promise<Pm2Process[]> {
    const { stdout } = await this.ok(['jlist']);
    // A CLI call that had to spawn the daemon first prints a few status lines before the JSON.
    const start = stdout.split('\n').findIndex((line) => line.startsWith('['));
    if (start < 0) throw new Error(`pm2 jlist printed no JSON:\n${stdout}`);
    const json: unknown = JSON.parse(stdout.split('\n').slice(start).join('\n'));
    return z.array(processSchema).parse(json);
  }

  /** The daemon's own log (starts, exits with code and signal, restart delays). */
  daemonLog(): string {
    try {
      return readFileSync(path.join(this.home, 'pm2.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /**
   * Every live process that carries this PM2_HOME in its environment: the daemon and anything it
   * started (Linux /proc). Empty once `pm2 kill` has cleaned up.
   */
  survivors(): number[] {
    const marker = `\0PM2_HOME=${this.home}\0`;
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        const environ = `\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`;
        if (environ.includes(marker)) pids.push(Number(entry));
      } catch {
        // exited meanwhile, or not ours to read
      }
    }
    return pids;
  }
}
