// A real redis-server for tests: its own free port, a temporary directory, no persistence (a
// restart comes back empty, like a lost Redis), started and stopped by the test that needs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/free-port.js';

export class RedisServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'redis-test-')));
    await server.up();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** (Re)starts on the same port; resolves when it accepts connections. */
  async up(): Promise<void> {
    if (this.child) return;
    const bin = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';
    const child = spawn(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'local'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s:\n${this.output}`)), 10_000);
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        if (/Ready to accept connections/.test(this.output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${bin} (install Debian's redis-server): ${err.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        this.child = undefined;
        reject(new Error(`redis-server exited with ${code}:\n${this.output}`));
      });
    });
    this.output = '';
  }

  /** Stops it (SIGKILL: an outage, not a goodbye) and waits for the exit. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.removeAllListeners('exit');
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
