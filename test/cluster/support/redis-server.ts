// A real redis-server for tests: its own free port, a temporary directory, no persistence (a
// restart comes back empty, like a lost Redis), started and stopped by the test that needs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from '../../support/child-process.js';
import { freePort } from '../../support/free-port.js';

export class RedisServer {
  private child: Child | undefined;

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
    return this.child?.running ?? false;
  }

  /** (Re)starts on the same port; resolves when it accepts connections. */
  async up(): Promise<void> {
    if (this.running) return;
    const bin = process.env['REDIS_SERVER_BIN'] ?? 'redis-server';
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--enable-debug-command',
      'local',
    ];
    const child = new Child('redis-server', { command: bin, args }, {});
    this.child = child;
    try {
      await child.waitFor(/Ready to accept connections/, 10_000);
    } catch (err) {
      this.child = undefined;
      child.kill('SIGKILL');
      if (child.spawnError)
        throw new Error(`cannot run ${bin} (install Debian's redis-server): ${child.spawnError.message}`);
      throw err;
    }
  }

  /** Stops it (SIGKILL: an outage, not a goodbye) and waits for the exit. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    await child.exited;
  }

  async stop(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
