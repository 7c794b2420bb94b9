// One Redis connection for the cluster layer, with the two properties coordination needs and a bare
// client lacks: every command has a timeout (a slow Redis must not hold an order or a refill), and
// the connection has an up/down state others subscribe to (entries stop while it is down).
//
// Commands never queue while disconnected (enableOfflineQueue off): a lease or quota answer that
// arrives seconds late is worse than a prompt failure the caller can fall back from.
import { Redis } from 'ioredis';
import { EventEmitter, type Disposable, type Listener } from '../resilience/event.js';
import { parseRedisUrl } from '../../config/redis-url.js';
import { sleepOn, systemClock } from '../resilience/clock.js';

export type RedisState = 'up' | 'down';

export interface RedisConnectionOptions {
  /** redis://[user:pass@]host:port[/db] */
  readonly url: string;
  /** Each command fails after this long. Default 500 ms. */
  readonly commandTimeoutMs?: number;
  /** Delay between reconnection attempts. Default 500 ms. */
  readonly reconnectDelayMs?: number;
  /** Shown in CLIENT LIST, useful when several bots share one Redis. */
  readonly name?: string;
}

export const REDIS_CONNECTION_DEFAULTS = { commandTimeoutMs: 500, reconnectDelayMs: 500 } as const;

/** A command failed because Redis is down, slow or refused it. */
export class RedisUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

export function isRedisUnavailable(err: unknown): err is RedisUnavailableError {
  return err instanceof RedisUnavailableError;
}

export class RedisConnection {
  readonly client: Redis;
  private current: RedisState = 'down';
  private readonly changes = new EventEmitter<RedisState>();
  private closed = false;

  /** Fires on every up/down transition. */
  readonly onStateChange: (listener: Listener<RedisState>) => Disposable = this.changes.subscribe;

  constructor(options: RedisConnectionOptions) {
    parseRedisUrl(options.url);
    const commandTimeout = options.commandTimeoutMs ?? REDIS_CONNECTION_DEFAULTS.commandTimeoutMs;
    const reconnect = options.reconnectDelayMs ?? REDIS_CONNECTION_DEFAULTS.reconnectDelayMs;
    if (!(commandTimeout > 0)) throw new RangeError(`commandTimeoutMs must be positive, got ${commandTimeout}`);
    this.client = new Redis(options.url, {
      commandTimeout,
      connectTimeout: Math.max(commandTimeout * 2, 1000),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => (this.closed ? null : reconnect),
      lazyConnect: false,
      ...(options.name ? { connectionName: options.name } : {}),
    });
    this.client.on('ready', () => this.set('up'));
    this.client.on('close', () => this.set('down'));
    this.client.on('end', () => this.set('down'));
    // ioredis emits 'error' for every failed reconnect; the state says it, the caller logs transitions.
    this.client.on('error', () => undefined);
  }

  get state(): RedisState {
    return this.current;
  }

  /**
   * Runs one command (or script). Fails with RedisUnavailableError at once when down, or after the
   * command timeout; a timeout marks the connection down until the next success, because a Redis that
   * stopped answering is as good as gone for leases.
   */
  async run<T>(what: string, command: (client: Redis) => Promise<T>): Promise<T> {
    if (this.closed) throw new RedisUnavailableError(`${what}: connection closed`);
    if (this.client.status !== 'ready') throw new RedisUnavailableError(`${what}: redis is ${this.client.status}`);
    try {
      const value = await command(this.client);
      this.set('up');
      return value;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/timed out|Connection is closed|Stream isn't writeable|ECONNRE|EPIPE/i.test(message)) this.set('down');
      throw new RedisUnavailableError(`${what}: ${message}`, { cause: err });
    }
  }

  /** Resolves once connected, or rejects after `timeoutMs`. */
  async waitUntilUp(timeoutMs: number): Promise<void> {
    if (this.current === 'up') return;
    await new Promise<void>((resolve, reject) => {
      const timer = systemClock.setTimeout(() => {
        sub.dispose();
        reject(new RedisUnavailableError(`redis not reachable within ${timeoutMs} ms`));
      }, timeoutMs);
      const sub = this.onStateChange((s) => {
        if (s !== 'up') return;
        timer.cancel();
        sub.dispose();
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.client.status === 'ready')
        await Promise.race([this.client.quit(), sleepOn(systemClock.setTimeout, 500, undefined, true)]);
    } catch {
      // closing anyway
    }
    this.client.disconnect();
    this.set('down');
  }

  private set(next: RedisState): void {
    if (next === 'up' && this.client.status !== 'ready') return;
    if (this.current === next) return;
    this.current = next;
    this.changes.emit(next);
  }
}
