// Bounds how many klines requests one scan has in flight. The shared rate limiter meters weight
// across threads; this bounds concurrency within the scan, so a 300-symbol scan does not open 300
// sockets at once and an abort leaves at most `limit` requests to finish in the background.

import { abortReason } from '../resilience/clock.js';

export class Semaphore {
  private available: number;
  private readonly waiters: Array<{
    resolve: () => void;
    reject: (err: unknown) => void;
    signal: AbortSignal | undefined;
    onAbort: () => void;
  }> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`Semaphore limit must be an integer >= 1, got ${limit}`);
    this.available = limit;
  }

  get inUse(): number {
    return this.limit - this.available;
  }

  /** Resolves with a release function once a slot is free; rejects when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.available > 0) {
      this.available -= 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter = {
        resolve: () => resolve(this.releaser()),
        reject,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(abortReason(signal as AbortSignal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) {
        // The slot passes straight to the next waiter: `available` stays as it is.
        next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve();
      } else {
        this.available += 1;
      }
    };
  }
}
