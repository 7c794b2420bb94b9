// KuCoin's WebSocket protocol over the simulator's own HTTP server: token from bullet-public /
// bullet-private, welcome, ping/pong, subscribe/unsubscribe with ack, public ticker topics and
// private order / position topics.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { MarketData } from './market-data.js';
import type { TradingEngine } from './trading-engine.js';
import type { FaultInjector } from './fault-injector.js';
import type { SimClock } from './sim-clock.js';
import { orderChangeWire, positionWire } from './wire-format.js';
import { nanos } from './market-data.js';
import { defined } from '../invariant/invariant-error.js';

export const WS_PATH = '/endpoint';
const PING_INTERVAL_MS = 18_000;
const PING_TIMEOUT_MS = 10_000;
export const SIM_USER_ID = '6500000000000000000000a1';

interface Client {
  readonly ws: WebSocket;
  readonly isPrivate: boolean;
  readonly topics: Set<string>;
  /** Last ticker sequence pushed per topic, so unchanged prices are not re-sent. */
  readonly lastSent: Map<string, string>;
}

type TopicKind = 'tickerV2' | 'ticker' | 'orders' | 'position';

interface ParsedTopic {
  readonly kind: TopicKind;
  readonly prefix: string;
  readonly symbols: readonly string[] | null;
  readonly private: boolean;
}

function parseTopic(topic: string): ParsedTopic | null {
  const [prefix, rest] = topic.split(':', 2) as [string, string | undefined];
  const symbols = rest
    ? rest
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  switch (prefix) {
    case '/contractMarket/tickerV2':
      return symbols ? { kind: 'tickerV2', prefix, symbols, private: false } : null;
    case '/contractMarket/ticker':
      return symbols ? { kind: 'ticker', prefix, symbols, private: false } : null;
    case '/contractMarket/tradeOrders':
      return { kind: 'orders', prefix, symbols, private: true };
    case '/contract/position':
      return symbols ? { kind: 'position', prefix, symbols, private: true } : null;
    case '/contract/positionAll':
      return { kind: 'position', prefix, symbols: null, private: true };
    default:
      return null;
  }
}

export interface WsServerOptions {
  readonly market: MarketData;
  readonly engine: TradingEngine;
  readonly faults: FaultInjector;
  /** Simulated time (ticker and pong timestamps). */
  readonly clock: SimClock;
  /** e.g. ws://127.0.0.1:1234 */
  readonly baseUrl: () => string;
}

export class SimWsServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tokens = new Map<string, 'public' | 'private'>();
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: WsServerOptions) {
    this.unsubscribe = opts.engine.subscribe({
      order: (order, change) => {
        const spec = defined(opts.market.spec(order.symbol), `contract spec of ${order.symbol}`);
        const data = orderChangeWire(order, change, spec);
        for (const c of this.clients) {
          if (c.topics.has('/contractMarket/tradeOrders'))
            this.send(c, this.privateMsg('/contractMarket/tradeOrders', 'orderChange', data));
          const t = `/contractMarket/tradeOrders:${order.symbol}`;
          if (c.topics.has(t)) this.send(c, this.privateMsg(t, 'symbolOrderChange', data));
        }
      },
      position: (pos, reason, at) => {
        const data = {
          ...positionWire(pos, opts.market.markPrice(pos.symbol, at), at),
          changeReason: reason === 'funding' ? 'positionChange' : reason,
        };
        this.pushPosition(pos.symbol, 'position.change', data);
      },
      settlement: (pos, s) => {
        this.pushPosition(pos.symbol, 'position.settlement', {
          fundingTime: s.fundingTime,
          qty: s.qty,
          markPrice: s.markPrice,
          fundingRate: s.fundingRate,
          fundingFee: Number(s.fundingFee.toFixed(8)),
          ts: nanos(s.fundingTime),
          settleCurrency: 'USDT',
        });
      },
    });
  }

  /** bullet-public / bullet-private response body. */
  issue(kind: 'public' | 'private'): Record<string, unknown> {
    const token = `${kind === 'private' ? 'P' : 'U'}${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, kind);
    return {
      token,
      instanceServers: [
        {
          endpoint: `${this.opts.baseUrl()}${WS_PATH}`,
          encrypt: false,
          protocol: 'websocket',
          pingInterval: PING_INTERVAL_MS,
          pingTimeout: PING_TIMEOUT_MS,
        },
      ],
    };
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
  }

  /** Pushes ticker updates whose price or book changed since the last push. */
  pushTickers(): void {
    const now = this.opts.clock.now();
    for (const c of [...this.clients]) {
      for (const topic of c.topics) {
        const parsed = parseTopic(topic);
        if (!parsed || (parsed.kind !== 'ticker' && parsed.kind !== 'tickerV2') || !parsed.symbols) continue;
        for (const symbol of parsed.symbols) {
          if (!this.opts.market.spec(symbol)) continue;
          const t = this.opts.market.ticker(symbol, now);
          const key = `${parsed.kind}:${symbol}`;
          const fingerprint = `${t['price']}|${t['bestBidPrice']}|${t['bestAskPrice']}|${t['bestBidSize']}|${t['bestAskSize']}`;
          if (c.lastSent.get(key) === fingerprint) continue;
          c.lastSent.set(key, fingerprint);
          const data =
            parsed.kind === 'ticker'
              ? t
              : {
                  symbol,
                  sequence: t['sequence'],
                  bestBidSize: t['bestBidSize'],
                  bestBidPrice: t['bestBidPrice'],
                  bestAskPrice: t['bestAskPrice'],
                  bestAskSize: t['bestAskSize'],
                  ts: t['ts'],
                };
          this.send(c, {
            topic: `${parsed.prefix}:${symbol}`,
            type: 'message',
            subject: parsed.kind,
            sn: t['sequence'],
            data,
          });
        }
      }
    }
  }

  clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    this.unsubscribe();
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    this.wss.close();
  }

  private onConnection(ws: WebSocket, url: URL): void {
    const token = url.searchParams.get('token') ?? '';
    const connectId = url.searchParams.get('connectId') ?? String(this.opts.clock.now());
    const kind = this.tokens.get(token);
    if (!kind) {
      ws.send(JSON.stringify({ id: connectId, type: 'error', code: 401, data: 'token is invalid' }));
      ws.close(1008, 'token is invalid');
      return;
    }
    const client: Client = { ws, isPrivate: kind === 'private', topics: new Set(), lastSent: new Map() };
    this.clients.add(client);
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    ws.on('message', (raw) => this.onMessage(client, raw.toString()));
    ws.send(JSON.stringify({ id: connectId, type: 'welcome' }));
  }

  private onMessage(c: Client, text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.raw(c, { type: 'error', code: 400, data: 'message is not JSON' });
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as Record<string, unknown>;
    const id = typeof m['id'] === 'string' || typeof m['id'] === 'number' ? m['id'] : '';
    switch (m['type']) {
      case 'ping':
        this.raw(c, { id, type: 'pong', timestamp: this.opts.clock.now() });
        return;
      case 'subscribe':
      case 'unsubscribe': {
        const topic = typeof m['topic'] === 'string' ? m['topic'] : '';
        const parsed = parseTopic(topic);
        if (!parsed) {
          this.raw(c, { id, type: 'error', code: 404, data: `topic ${topic} is not found` });
          return;
        }
        if (parsed.private && !c.isPrivate) {
          this.raw(c, { id, type: 'error', code: 401, data: 'private topics need a private token (bullet-private)' });
          return;
        }
        // Multi-symbol topics are tracked per symbol so each can be unsubscribed alone.
        const keys = parsed.symbols ? parsed.symbols.map((s) => `${parsed.prefix}:${s}`) : [parsed.prefix];
        for (const k of keys) {
          if (m['type'] === 'subscribe') c.topics.add(k);
          else c.topics.delete(k);
        }
        if (m['response'] !== false) this.raw(c, { id, type: 'ack' });
        if (m['type'] === 'subscribe') this.pushTickers();
        return;
      }
      default:
        this.raw(c, { id, type: 'error', code: 400, data: `unknown message type ${String(m['type'])}` });
    }
  }

  private pushPosition(symbol: string, subject: string, data: Record<string, unknown>): void {
    for (const c of this.clients) {
      const t = `/contract/position:${symbol}`;
      if (c.topics.has(t)) this.send(c, this.privateMsg(t, subject, data));
      if (c.topics.has('/contract/positionAll')) this.send(c, this.privateMsg('/contract/positionAll', subject, data));
    }
  }

  private privateMsg(topic: string, subject: string, data: Record<string, unknown>): Record<string, unknown> {
    return { topic, type: 'message', subject, userId: SIM_USER_ID, channelType: 'private', data };
  }

  /** Data pushes may be dropped by the wsdrop fault: the connection dies mid-stream. */
  private send(c: Client, msg: Record<string, unknown>): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (this.opts.faults.nextWsDrop()) {
      this.clients.delete(c);
      c.ws.terminate();
      return;
    }
    c.ws.send(JSON.stringify(msg));
  }

  private raw(c: Client, msg: Record<string, unknown>): void {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify(msg));
  }
}
