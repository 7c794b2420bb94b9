// A real loopback HTTP server standing in for a webhook: records bodies, answers with scripted
// statuses, or hangs. Always close() it (after/afterEach).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply = number | 'hang';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly server: http.Server;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private replies: Reply[];

  private constructor(
    replies: Reply[],
    private readonly fallback: Reply,
  ) {
    this.replies = replies;
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: req.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        });
        for (const w of this.waiters.filter((x) => this.received.length >= x.count)) w.resolve();
        const reply = this.replies.shift() ?? this.fallback;
        if (reply === 'hang') return; // never answer
        res.writeHead(reply, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
  }

  static async start(replies: Reply[] = [], fallback: Reply = 200): Promise<WebhookReceiver> {
    const r = new WebhookReceiver(replies, fallback);
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/alerts`;
  }

  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback URL nothing listens on: a server is bound to get a free port, then closed. */
export async function deadUrl(): Promise<string> {
  const r = await WebhookReceiver.start();
  const url = r.url;
  await r.close();
  return url;
}
