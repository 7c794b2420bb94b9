// The client side of the executor RPC: a comlink proxy over the port the supervisor handed us, with
// what comlink lacks: a timeout on every call, and prompt PeerGoneError rejection of calls in flight
// when the executor goes away (its port closes, or the supervisor hands us a new one after a restart).
import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { type Clock, systemClock } from '../resilience/clock.js';
import { PeerGoneError } from './peer-gone-error.js';
import { RpcTimeoutError } from './rpc-timeout-error.js';

type AnyFn = (...args: never[]) => unknown;
/** Names of the API's methods. */
export type MethodName<T> = { [K in keyof T]: T[K] extends AnyFn ? K : never }[keyof T] & string;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/** What a loop sees of the executor: typed calls that always settle. */
export interface ExecutorClient<T> {
  call<K extends MethodName<T>>(method: K, ...args: ArgsOf<T[K]>): Promise<ResultOf<T[K]>>;
  /** Incarnation of the executor currently connected, or undefined while it is away. */
  readonly generation: number | undefined;
}

interface Connection {
  readonly port: MessagePort;
  readonly remote: Record<string, (...args: unknown[]) => Promise<unknown>>;
  readonly generation: number;
}

export class ExecutorLink<T> implements ExecutorClient<T> {
  private current: Connection | undefined;
  private readonly inFlight = new Set<(err: Error) => void>();
  private portWaiters: (() => void)[] = [];
  private closed = false;
  private draining = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly peer = 'order-executor',
    private readonly clock: Clock = systemClock,
  ) {
    if (!(timeoutMs > 0)) throw new RangeError(`rpcTimeoutMs must be positive, got ${timeoutMs}`);
  }

  get generation(): number | undefined {
    return this.current?.generation;
  }

  /** Switch to a new executor port; calls still waiting on the old one reject with PeerGoneError. */
  connect(port: MessagePort, generation: number): void {
    this.disconnect(`replaced by ${this.peer} generation ${generation}`);
    if (this.closed) {
      port.close();
      return;
    }
    // Node closes our end when the executor's thread exits: fail its calls now, not at timeout.
    port.once('close', () => {
      if (this.current?.port === port) this.disconnect('its port closed');
    });
    const remote = Comlink.wrap(nodeEndpoint(port)) as unknown as Connection['remote'];
    this.current = { port, remote, generation };
    const waiters = this.portWaiters;
    this.portWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Reject everything in flight with PeerGoneError and drop the current port. */
  disconnect(reason: string): void {
    const conn = this.current;
    this.current = undefined;
    const err = new PeerGoneError(this.peer, reason);
    for (const reject of [...this.inFlight]) reject(err);
    this.inFlight.clear();
    if (conn) conn.port.close();
  }

  /**
   * Shutdown has begun: the current connection keeps serving (the step in progress may still need
   * the executor), but once it is gone calls fail at once instead of waiting for a port that the
   * supervisor will no longer hand out.
   */
  drain(): void {
    this.draining = true;
    const waiters = this.portWaiters;
    this.portWaiters = [];
    for (const wake of waiters) wake();
  }

  /** For shutdown: no further connections; pending and future calls reject. */
  close(): void {
    this.closed = true;
    this.disconnect('link closed');
    const waiters = this.portWaiters;
    this.portWaiters = [];
    for (const wake of waiters) wake();
  }

  call<K extends MethodName<T>>(method: K, ...args: ArgsOf<T[K]>): Promise<ResultOf<T[K]>> {
    return new Promise<ResultOf<T[K]>>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        this.inFlight.delete(onGone);
        fn();
      };
      const onGone = (err: Error): void => finish(() => reject(err));
      const timer = this.clock.setTimeout(
        () => finish(() => reject(new RpcTimeoutError(this.peer, method, this.timeoutMs))),
        this.timeoutMs,
      );

      const send = (): void => {
        if (settled) return;
        if (this.closed) {
          onGone(new PeerGoneError(this.peer, 'link closed'));
          return;
        }
        const conn = this.current;
        if (!conn && this.draining) {
          onGone(new PeerGoneError(this.peer, 'shutting down'));
          return;
        }
        if (!conn) {
          // The executor is restarting: wait for the supervisor's new port (within the same timeout).
          this.portWaiters.push(send);
          return;
        }
        this.inFlight.add(onGone);
        const fn = conn.remote[method];
        if (typeof fn !== 'function') {
          onGone(new TypeError(`${this.peer} has no method ${method}`));
          return;
        }
        fn(...(args as unknown[])).then(
          (value) => finish(() => resolve(value as ResultOf<T[K]>)),
          (err: unknown) => finish(() => reject(err)),
        );
      };
      send();
    });
  }
}
