// KuCoin Futures WebSocket on plain `ws`: the SDK's WS service fetches its bullet tokens outside our
// Limiter and exposes no hook to validate frames, so the socket is ours; the token comes from
// the (gated, validated) REST client. Reconnects with the toolkit's jittered exponential backoff
// and re-subscribes every topic. Every timer runs on the injected Clock.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { z } from 'zod';
import { type ResolvedBackoffOptions, backoffDelay, resolveBackoffOptions } from '../resilience/backoff-options.js';
import { type Clock, type TimerHandle, systemClock } from '../resilience/clock.js';
import { EventEmitter, type Disposable } from '../resilience/event.js';
import { CLIENT_ERROR_CODES, ExchangeError } from './exchange-error.js';
import type { BulletToken } from './schemas/bullet.js';
import {
  orderChangeSchema,
  positionChangeSchema,
  streamFrameSchema,
  streamTickerSchema,
  type OrderChange,
  type PositionChange,
  type StreamFrame,
  type StreamTicker,
} from './schemas/stream.js';

/** Topic templates (KuCoin Futures WebSocket API). */
export const STREAM_TOPICS = {
  ticker: (symbol: string) => `/contractMarket/tickerV2:${symbol}`,
  orders: (symbol?: string) => (symbol ? `/contractMarket/tradeOrders:${symbol}` : '/contractMarket/tradeOrders'),
  position: (symbol: string) => `/contract/position:${symbol}`,
} as const;

export interface FuturesStreamOptions {
  readonly fetchToken: () => Promise<BulletToken>;
  readonly private: boolean;
  /**
   * First reconnect delay; doubles per failed attempt up to maxReconnectDelayMs, each spread ±10 %
   * (RECONNECT_JITTER) so every client of a dropped server does not come back in the same instant.
   * Default 500.
   */
  readonly reconnectDelayMs?: number;
  readonly maxReconnectDelayMs?: number;
  /** Welcome and subscribe-ack timeout. Default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** Timers, ping-silence measurement and reconnect waits. Default systemClock. */
  readonly clock?: Clock;
  /** Uniform [0, 1) source for the reconnect jitter. Default Math.random. */
  readonly random?: () => number;
}

/** Reconnect delays spread ±10 % around the doubling schedule. */
const RECONNECT_JITTER = 0.1;

export type StreamState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

interface TopicEntry {
  readonly privateChannel: boolean;
  readonly deliver: (data: unknown, subject: string | undefined) => void;
  readonly listeners: Set<(value: never) => void>;
}

interface Pending {
  resolve(): void;
  reject(err: Error): void;
  timer: TimerHandle;
}

function streamError(message: string, code: string = CLIENT_ERROR_CODES.network, retryable = true): ExchangeError {
  return new ExchangeError({
    code,
    httpStatus: null,
    retryable,
    action: retryable ? 'retry' : 'fail',
    message,
    endpoint: null,
    resetMs: null,
  });
}

export class FuturesStream {
  private readonly options: Required<Omit<FuturesStreamOptions, 'fetchToken'>> &
    Pick<FuturesStreamOptions, 'fetchToken'>;
  private readonly backoff: ResolvedBackoffOptions;
  private readonly clock: Clock;
  private socket: WebSocket | null = null;
  private stateValue: StreamState = 'idle';
  private readonly topics = new Map<string, TopicEntry>();
  private readonly pending = new Map<string, Pending>();
  private pingTimer: TimerHandle | undefined;
  private reconnectTimer: TimerHandle | undefined;
  private lastFrameAt = 0;
  private attempts = 0;

  private readonly stateEvents = new EventEmitter<StreamState>();
  private readonly errorEvents = new EventEmitter<ExchangeError>();
  private readonly resubscribedEvents = new EventEmitter<readonly string[]>();
  /** State transitions (open after every reconnect, too). */
  readonly onState = this.stateEvents.subscribe;
  /** Invalid frames, subscribe refusals and connection failures; the stream keeps running. */
  readonly onError = this.errorEvents.subscribe;
  /** After a reconnect, once every topic has been subscribed again. */
  readonly onResubscribed = this.resubscribedEvents.subscribe;

  constructor(options: FuturesStreamOptions) {
    this.options = {
      reconnectDelayMs: 500,
      maxReconnectDelayMs: 10_000,
      handshakeTimeoutMs: 10_000,
      clock: systemClock,
      random: Math.random,
      ...options,
    };
    this.clock = this.options.clock;
    // maxRetries is unused: the stream reconnects until closed (the attempt index keeps growing).
    this.backoff = resolveBackoffOptions(
      {
        baseDelay: this.options.reconnectDelayMs,
        maxDelay: this.options.maxReconnectDelayMs,
        factor: 2,
        jitter: RECONNECT_JITTER,
      },
      'FuturesStream',
    );
  }

  get state(): StreamState {
    return this.stateValue;
  }

  /** Fetch a token, open the socket, wait for welcome. Rejects with ExchangeError on failure. */
  async connect(): Promise<void> {
    if (this.stateValue === 'open') return;
    this.setState('connecting');
    await this.open();
  }

  subscribeTicker(symbol: string, listener: (ticker: StreamTicker) => void): Promise<Disposable> {
    return this.subscribe(STREAM_TOPICS.ticker(symbol), false, streamTickerSchema, listener);
  }

  /** Order changes for one symbol, or for all symbols when `symbol` is omitted. */
  subscribeOrders(listener: (change: OrderChange) => void, symbol?: string): Promise<Disposable> {
    return this.subscribe(STREAM_TOPICS.orders(symbol), true, orderChangeSchema, listener);
  }

  subscribePositions(symbol: string, listener: (change: PositionChange) => void): Promise<Disposable> {
    return this.subscribe(STREAM_TOPICS.position(symbol), true, positionChangeSchema, listener);
  }

  async close(): Promise<void> {
    this.setState('closed');
    this.reconnectTimer?.cancel();
    this.pingTimer?.cancel();
    this.rejectPending(streamError('stream closed', CLIENT_ERROR_CODES.aborted, false));
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close();
        this.clock
          .setTimeout(() => {
            socket.terminate();
            resolve();
          }, 1000)
          .unref();
      });
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  private async subscribe<S extends z.ZodType>(
    topic: string,
    privateChannel: boolean,
    schema: S,
    listener: (value: z.output<S>) => void,
  ): Promise<Disposable> {
    if (privateChannel && !this.options.private)
      throw streamError(`${topic} needs a private stream`, CLIENT_ERROR_CODES.invalidRequest, false);
    let entry = this.topics.get(topic);
    const isNew = entry === undefined;
    if (!entry) {
      const listeners = new Set<(value: never) => void>();
      entry = {
        privateChannel,
        listeners,
        deliver: (data) => {
          const parsed = schema.safeParse(data);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            this.errorEvents.emit(
              streamError(
                `invalid ${topic} message: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'schema mismatch'}`,
                CLIENT_ERROR_CODES.invalidResponse,
                false,
              ),
            );
            return;
          }
          for (const l of [...listeners]) (l as (v: z.output<S>) => void)(parsed.data);
        },
      };
      this.topics.set(topic, entry);
    }
    const own = (value: z.output<S>) => listener(value);
    entry.listeners.add(own as (value: never) => void);
    if (isNew && this.stateValue === 'open') {
      try {
        await this.sendSubscribe('subscribe', topic, privateChannel);
      } catch (e) {
        this.topics.delete(topic);
        throw e;
      }
    }
    const current = entry;
    return {
      dispose: () => {
        current.listeners.delete(own as (value: never) => void);
        if (current.listeners.size === 0 && this.topics.get(topic) === current) {
          this.topics.delete(topic);
          if (this.stateValue === 'open')
            this.sendSubscribe('unsubscribe', topic, privateChannel).catch(() => undefined);
        }
      },
    };
  }

  private async open(): Promise<void> {
    let token: BulletToken;
    try {
      token = await this.options.fetchToken();
    } catch (e) {
      throw e instanceof ExchangeError ? e : streamError(`bullet token: ${e instanceof Error ? e.message : String(e)}`);
    }
    const server = token.instanceServers[0];
    if (!server) throw streamError('bullet token has no instance server', CLIENT_ERROR_CODES.invalidResponse, false);
    const sep = server.endpoint.includes('?') ? '&' : '?';
    const url = `${server.endpoint}${sep}token=${encodeURIComponent(token.token)}&connectId=${randomUUID()}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        socket.terminate();
        reject(streamError(`no welcome within ${this.options.handshakeTimeoutMs} ms`, CLIENT_ERROR_CODES.timeout));
      }, this.options.handshakeTimeoutMs);
      const fail = (err: Error) => {
        timer.cancel();
        reject(streamError(`socket failed before welcome: ${err.message}`));
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error('closed')));
      socket.on('message', (raw) => {
        const frame = this.parseFrame(raw.toString());
        if (!frame) return;
        if (frame.type === 'welcome' && this.stateValue !== 'open') {
          timer.cancel();
          socket.removeAllListeners('error');
          socket.removeAllListeners('close');
          socket.on('error', () => undefined); // 'close' follows and drives the reconnect
          socket.on('close', () => this.onDrop(socket));
          this.attempts = 0;
          this.startPing(socket, server.pingInterval, server.pingTimeout);
          this.setState('open');
          resolve();
          return;
        }
        this.onFrame(frame);
      });
    });
  }

  private parseFrame(text: string): StreamFrame | null {
    this.lastFrameAt = this.clock.monotonic();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.errorEvents.emit(streamError('malformed frame (not JSON)', CLIENT_ERROR_CODES.invalidResponse, false));
      return null;
    }
    const frame = streamFrameSchema.safeParse(json);
    if (!frame.success) {
      this.errorEvents.emit(streamError('malformed frame (no type)', CLIENT_ERROR_CODES.invalidResponse, false));
      return null;
    }
    return frame.data;
  }

  private onFrame(frame: StreamFrame): void {
    const id = frame.id === undefined ? undefined : String(frame.id);
    switch (frame.type) {
      case 'ack': {
        const p = id === undefined ? undefined : this.pending.get(id);
        if (p && id !== undefined) {
          p.timer.cancel();
          this.pending.delete(id);
          p.resolve();
        }
        return;
      }
      case 'error': {
        const p = id === undefined ? undefined : this.pending.get(id);
        const err = streamError(
          `stream error ${String(frame.code ?? '')}: ${typeof frame.data === 'string' ? frame.data : ''}`.trim(),
          String(frame.code ?? CLIENT_ERROR_CODES.network),
          false,
        );
        if (p && id !== undefined) {
          p.timer.cancel();
          this.pending.delete(id);
          p.reject(err);
        } else this.errorEvents.emit(err);
        return;
      }
      case 'message': {
        const entry = frame.topic === undefined ? undefined : this.topics.get(frame.topic);
        entry?.deliver(frame.data, frame.subject);
        return;
      }
      default:
        return; // pong, notice, welcome repeats
    }
  }

  private sendSubscribe(type: 'subscribe' | 'unsubscribe', topic: string, privateChannel: boolean): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(streamError('stream is not open'));
    const id = randomUUID();
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(streamError(`no ack for ${type} ${topic}`, CLIENT_ERROR_CODES.timeout));
      }, this.options.handshakeTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ id, type, topic, privateChannel, response: true }));
    });
  }

  private startPing(socket: WebSocket, intervalMs: number, timeoutMs: number): void {
    this.pingTimer?.cancel();
    this.lastFrameAt = this.clock.monotonic();
    this.pingTimer = this.clock.setInterval(
      () => {
        if (this.clock.monotonic() - this.lastFrameAt > intervalMs + timeoutMs) {
          socket.terminate(); // silent peer: treat as a drop
          return;
        }
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ id: randomUUID(), type: 'ping' }));
      },
      Math.max(50, intervalMs),
    );
    this.pingTimer.unref();
  }

  private onDrop(socket: WebSocket): void {
    if (this.socket !== socket || this.stateValue === 'closed') return;
    this.pingTimer?.cancel();
    this.rejectPending(streamError('connection dropped'));
    this.setState('reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.backoff, this.attempts, this.options.random);
    this.attempts += 1;
    this.reconnectTimer = this.clock.setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (this.stateValue === 'closed') return;
    try {
      await this.open();
      const topics = [...this.topics.entries()];
      await Promise.all(topics.map(([topic, e]) => this.sendSubscribe('subscribe', topic, e.privateChannel)));
      this.resubscribedEvents.emit(topics.map(([t]) => t));
    } catch (e) {
      if (this.state === 'closed') return; // closed while we were reconnecting
      this.errorEvents.emit(e instanceof ExchangeError ? e : streamError(String(e)));
      if (this.stateValue === 'open')
        this.socket?.terminate(); // resubscribe failed: drop and retry
      else {
        this.setState('reconnecting');
        this.scheduleReconnect();
      }
    }
  }

  private rejectPending(err: ExchangeError): void {
    for (const [id, p] of this.pending) {
      p.timer.cancel();
      p.reject(err);
      this.pending.delete(id);
    }
  }

  private setState(state: StreamState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.stateEvents.emit(state);
  }
}
