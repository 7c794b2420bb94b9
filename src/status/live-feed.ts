// The /ws live stream: every client gets the full snapshot on connect, then again whenever the
// source changes (throttled: one push per interval at most, trailing edge included so the last
// change is never lost) and on a slow refresh timer so ages and uptime keep moving. Supervisor
// events are forwarded as they come and the last few are replayed to late joiners.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Clock, TimerHandle } from '../resilience/clock.js';
import type { Disposable, StatusSource } from './status-source.js';
import type { StatusEvent } from './status-event.js';
import type { LiveFeedMessage } from './live-feed-message.js';

export interface LiveFeedOptions {
  source: StatusSource;
  /** Push throttling, the refresh and ping timers. */
  clock: Clock;
  /** Minimum spacing of change-driven pushes in ms. */
  pushIntervalMs: number;
  /** Push even without changes this often in ms (0 = never). */
  refreshIntervalMs: number;
  /** Ping clients this often and drop the ones that missed the previous pong, in ms (0 = never). */
  pingIntervalMs: number;
  /** Skip pushes to a client with more than this many bytes still queued (a stalled tab). */
  maxBufferedBytes: number;
  /** Events replayed to a new client. */
  eventHistory: number;
  /** Where a failing getReport() or send goes; the feed itself keeps running. */
  onError: (error: unknown) => void;
}

export class LiveFeed {
  private readonly wss: WebSocketServer;
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly events: StatusEvent[] = [];
  private readonly subscription: Disposable;
  private lastPushAt = Number.NEGATIVE_INFINITY;
  private pushTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;
  private pingTimer: TimerHandle | undefined;
  private closed = false;
  /** Pushes actually sent (one per snapshot, whatever the client count); for tests and metrics. */
  pushes = 0;

  constructor(private readonly options: LiveFeedOptions) {
    // Clients only listen; a small payload cap stops anyone from streaming junk into memory.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024, clientTracking: true });
    this.subscription = options.source.onChange(() => this.requestPush());
    if (options.refreshIntervalMs > 0) {
      this.refreshTimer = options.clock.setInterval(() => this.requestPush(), options.refreshIntervalMs).unref();
    }
    if (options.pingIntervalMs > 0) {
      this.pingTimer = options.clock.setInterval(() => this.pingAll(), options.pingIntervalMs).unref();
    }
  }

  get clientCount(): number {
    return this.wss.clients.size;
  }

  /** Completes an HTTP upgrade already authorised by the server. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  publish(event: StatusEvent): void {
    this.events.push(event);
    if (this.events.length > this.options.eventHistory) this.events.shift();
    this.broadcast(JSON.stringify({ type: 'event', event } satisfies LiveFeedMessage));
  }

  /** The events a new client would be replayed, oldest first. */
  recentEvents(): readonly StatusEvent[] {
    return [...this.events];
  }

  /** Schedules a snapshot push, at most one per pushIntervalMs. */
  requestPush(): void {
    if (this.closed || this.clientCount === 0 || this.pushTimer !== undefined) return;
    const wait = this.lastPushAt + this.options.pushIntervalMs - this.options.clock.now();
    if (wait <= 0) {
      this.pushNow();
      return;
    }
    this.pushTimer = this.options.clock
      .setTimeout(() => {
        this.pushTimer = undefined;
        this.pushNow();
      }, wait)
      .unref();
  }

  /** Terminates every client and stops the timers. */
  close(): Promise<void> {
    this.closed = true;
    this.subscription.dispose();
    this.pushTimer?.cancel();
    this.refreshTimer?.cancel();
    this.pingTimer?.cancel();
    this.pushTimer = this.refreshTimer = this.pingTimer = undefined;
    // terminate() destroys the socket at once; the client leaves wss.clients on its 'close' event.
    // A client still in the set has not emitted 'close' yet (ws removes it in that event).
    const clientsClosed = [...this.wss.clients].map((ws) => {
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.terminate();
      return closed;
    });
    const serverClosed = new Promise<void>((resolve) => this.wss.close(() => resolve()));
    return Promise.all([serverClosed, ...clientsClosed]).then(() => undefined);
  }

  private accept(ws: WebSocket): void {
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    ws.on('error', (error) => this.options.onError(error));
    const snapshot = this.snapshot();
    if (snapshot !== null) ws.send(snapshot);
    for (const event of this.events) ws.send(JSON.stringify({ type: 'event', event } satisfies LiveFeedMessage));
  }

  private pushNow(): void {
    if (this.closed) return;
    this.lastPushAt = this.options.clock.now();
    const snapshot = this.snapshot();
    if (snapshot === null) return;
    this.pushes += 1;
    this.broadcast(snapshot);
  }

  private snapshot(): string | null {
    try {
      const { source } = this.options;
      const message: LiveFeedMessage = {
        type: 'report',
        report: source.getReport(),
        equity: source.equityCurve(),
        positions: source.openPositions(),
        account: source.account?.() ?? null,
        alerts: source.alertHistory?.() ?? [],
        panels: source.panels?.() ?? {},
      };
      return JSON.stringify(message);
    } catch (error) {
      this.options.onError(error);
      return null;
    }
  }

  private broadcast(data: string): void {
    for (const ws of this.wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > this.options.maxBufferedBytes) continue;
      ws.send(data);
    }
  }

  private pingAll(): void {
    for (const ws of this.wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (this.alive.get(ws) !== true) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }
}
