// The local control channel: a Unix socket in DATA_DIR (`ctl.sock`) that only its owner can open
// (mode 0600), so `npm run ctl` needs no token on the bot's own machine. One request per connection:
// a JSON line `{"command": {...}}` in, a JSON line with the CommandResult out.
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { CommandResult } from './operator-controls.js';
import { parseCommand, type OperatorCommand } from './operator-command.js';

export const CONTROL_SOCKET_NAME = 'ctl.sock';
const MAX_REQUEST_BYTES = 4096;
const REQUEST_TIMEOUT_MS = 10_000;

export function controlSocketPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), CONTROL_SOCKET_NAME);
}

export interface ControlSocketOptions {
  readonly dataDir: string;
  readonly execute: (command: OperatorCommand) => Promise<CommandResult>;
  readonly onError?: (error: unknown) => void;
}

export class ControlSocket {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  readonly path: string;

  private constructor(private readonly options: ControlSocketOptions) {
    this.path = controlSocketPath(options.dataDir);
    this.server = createServer((socket) => this.serve(socket));
    this.server.on('error', (err) => options.onError?.(err));
  }

  /** Listens on DATA_DIR/ctl.sock; refuses when another running bot already answers there. */
  static async start(options: ControlSocketOptions): Promise<ControlSocket> {
    const s = new ControlSocket(options);
    mkdirSync(path.dirname(s.path), { recursive: true });
    if (existsSync(s.path)) {
      if (await answers(s.path)) throw new Error(`another bot is already listening on ${s.path} (same DATA_DIR)`);
      unlinkSync(s.path); // left behind by a process that was killed
    }
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      // The socket file is created inside listen(): with this umask it is born 0600, never briefly open.
      const previous = process.umask(0o177);
      try {
        s.server.listen(s.path, () => {
          s.server.off('error', reject);
          resolve();
        });
      } finally {
        process.umask(previous);
      }
    });
    chmodSync(s.path, 0o600);
    return s;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      if (buffer.length > MAX_REQUEST_BYTES) {
        socket.off('data', onData);
        reply(socket, { ok: false, detail: `request longer than ${MAX_REQUEST_BYTES} bytes` });
        return;
      }
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      void this.answer(socket, buffer.slice(0, newline));
    };
    socket.on('data', onData);
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    let raw: unknown;
    try {
      raw = (JSON.parse(line) as { command?: unknown }).command;
    } catch {
      reply(socket, { ok: false, detail: 'request is not JSON: expected {"command": {...}}' });
      return;
    }
    const parsed = parseCommand(raw);
    if (!parsed.ok) {
      reply(socket, { ok: false, detail: parsed.problem });
      return;
    }
    try {
      reply(socket, await this.options.execute(parsed.command));
    } catch (err) {
      this.options.onError?.(err);
      reply(socket, { ok: false, detail: `failed: ${(err as Error).message}` });
    }
  }
}

function reply(socket: Socket, body: unknown): void {
  if (socket.writable) socket.end(`${JSON.stringify(body)}\n`);
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
