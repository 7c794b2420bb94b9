// A loopback HTTP proxy between the bot and the simulator that can swallow the answer to an entry
// order: the venue receives and fills the order, the bot never hears back, so the executor is "in
// the middle of placing an order" for as long as the test wants. Requests are forwarded byte for
// byte (method, raw path and query, headers, body), so KuCoin's request signatures stay valid;
// WebSocket traffic does not pass here (the bullet token names the simulator's own address).
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface HeldEntry {
  readonly clientOid: string;
  readonly symbol: string;
  readonly side: string;
  /** The venue's answer that the bot has not been given. */
  readonly status: number;
  readonly body: string;
}

export class VenueProxy {
  /** Entry orders whose answers are held back (in arrival order). */
  readonly held: HeldEntry[] = [];
  /** Entry orders whose answers were delivered late. */
  readonly delayed: HeldEntry[] = [];
  /** Every order POST seen: [clientOid, reduceOnly or closeOrder]. */
  readonly orderPosts: { clientOid: string; symbol: string; exit: boolean }[] = [];
  /** Order POSTs whose answers were cut off (the venue had accepted each one). */
  readonly truncated: { clientOid: string; symbol: string; exit: boolean }[] = [];
  /** Every cancel request seen, in order: the order id, or `clientOid:<oid>` for a cancel by clientOid. */
  readonly cancels: string[] = [];
  private holdEntries = false;
  private truncate: { entries: number; exits: number } = { entries: 0, exits: 0 };
  private delayMs = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending: { res: ServerResponse; deliver: () => void }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly listeners = new Set<(e: HeldEntry) => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<VenueProxy> {
    const upstream = new URL(target);
    let proxy: VenueProxy | undefined;
    const server = createServer((req, res) => void proxy!.forward(req, res, upstream));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    proxy = new VenueProxy(server, `http://127.0.0.1:${address.port}`);
    server.on('connection', (s: Socket) => {
      proxy!.sockets.add(s);
      s.on('close', () => proxy!.sockets.delete(s));
    });
    return proxy;
  }

  /** From now on, answers to entry orders (not reduce-only) are held instead of delivered. */
  holdEntryAnswers(on: boolean): void {
    this.holdEntries = on;
  }

  /**
   * The next `entries` entry answers and `exits` exit (reduce-only, stops included) answers are cut
   * off half-way through the body: the venue has accepted the order, the bot reads a malformed reply.
   */
  truncateOrderAnswers(counts: { entries?: number; exits?: number }): void {
    this.truncate = { entries: counts.entries ?? 0, exits: counts.exits ?? 0 };
  }

  /** Answers to entry orders are delivered `ms` late (the venue has filled them long before). */
  delayEntryAnswers(ms: number): void {
    this.delayMs = ms;
  }

  onHeld(listener: (e: HeldEntry) => void): void {
    this.listeners.add(listener);
  }

  /** Drops every held answer's connection (the bot that asked is gone anyway). */
  dropHeld(): void {
    for (const p of this.pending.splice(0)) p.res.destroy();
  }

  /** Delivers every held answer now (late, but it arrives). */
  releaseHeld(): void {
    for (const p of this.pending.splice(0)) p.deliver();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.dropHeld();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await done;
  }

  private async forward(req: IncomingMessage, res: ServerResponse, upstream: URL): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === 'DELETE') {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const byClientOid = /^\/api\/v1\/orders\/client-order\/([^/]+)$/.exec(path);
      const byId = /^\/api\/v1\/orders\/([^/]+)$/.exec(path);
      if (byClientOid) this.cancels.push(`clientOid:${decodeURIComponent(byClientOid[1]!)}`);
      else if (byId) this.cancels.push(decodeURIComponent(byId[1]!));
    }
    const isOrderPost = req.method === 'POST' && (req.url ?? '').split('?')[0] === '/api/v1/orders';
    let order: { clientOid?: unknown; symbol?: unknown; side?: unknown; reduceOnly?: unknown; closeOrder?: unknown } =
      {};
    if (isOrderPost) {
      try {
        order = JSON.parse(body.toString('utf8')) as typeof order;
      } catch {
        order = {};
      }
      this.orderPosts.push({
        clientOid: String(order.clientOid),
        symbol: String(order.symbol),
        exit: order.reduceOnly === true || order.closeOrder === true,
      });
    }
    const upstreamReq = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (upstreamRes) => {
        const out: Buffer[] = [];
        upstreamRes.on('data', (c: Buffer) => out.push(c));
        upstreamRes.on('end', () => {
          const text = Buffer.concat(out);
          const entry = isOrderPost && order.reduceOnly !== true && order.closeOrder !== true;
          const deliver = (): void => {
            if (res.destroyed) return;
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(text);
          };
          const exit = isOrderPost && !entry;
          if ((entry && this.truncate.entries > 0) || (exit && this.truncate.exits > 0)) {
            if (entry) this.truncate.entries--;
            else this.truncate.exits--;
            this.truncated.push({ clientOid: String(order.clientOid), symbol: String(order.symbol), exit });
            const headers = { ...upstreamRes.headers };
            delete headers['content-length'];
            res.writeHead(upstreamRes.statusCode ?? 502, headers);
            res.end(text.subarray(0, Math.floor(text.length / 2)));
            return;
          }
          if (entry && this.holdEntries) {
            const held: HeldEntry = {
              clientOid: String(order.clientOid),
              symbol: String(order.symbol),
              side: String(order.side),
              status: upstreamRes.statusCode ?? 0,
              body: text.toString('utf8'),
            };
            this.held.push(held);
            this.pending.push({ res, deliver });
            for (const l of this.listeners) l(held);
            return;
          }
          if (entry && this.delayMs > 0) {
            this.delayed.push({
              clientOid: String(order.clientOid),
              symbol: String(order.symbol),
              side: String(order.side),
              status: upstreamRes.statusCode ?? 0,
              body: text.toString('utf8'),
            });
            const timer = setTimeout(() => {
              this.timers.delete(timer);
              deliver();
            }, this.delayMs);
            this.timers.add(timer);
            return;
          }
          deliver();
        });
      },
    );
    upstreamReq.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: '500000', msg: 'proxy: upstream failed' }));
    });
    upstreamReq.end(body);
  }
}
