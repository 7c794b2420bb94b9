// A status port already in use stops the bot before it trades, with a message that says what to change.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBotToExit } from '../support/bot-entry.js';

describe('supervisor entry with a busy status port', function () {
  this.timeout(30_000);
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 naming the port and STATUS_PORT, without starting any worker', async () => {
    server = createServer();
    const port = await new Promise<number>((resolve) =>
      server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)),
    );
    dir = mkdtempSync(path.join(tmpdir(), 'busy-port-'));
    const { code, output: out } = await runBotToExit(dir, { STATUS_PORT: String(port) });
    expect(code, out).to.equal(1);
    expect(out).to.include(`cannot start the status server on 127.0.0.1:${port}`);
    expect(out).to.include('Set STATUS_PORT');
    expect(out).not.to.match(/heartbeating/);
  });
});
