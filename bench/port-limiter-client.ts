// Worker-thread side of the baseline limiter: acquire() posts a request to the main thread and
// resolves when its grant comes back.
import type { MessagePort } from 'node:worker_threads';
import type { QuotaPool } from '../src/exchange/endpoints.js';
import type { CallPriority } from '../src/resilience/limiter.js';
import type { AcquireGranted, AcquireRequest } from './port-limiter-messages.js';

export class PortLimiterClient {
  private nextId = 1;
  private readonly pending = new Map<number, (at: number) => void>();

  constructor(private readonly port: MessagePort) {
    port.on('message', (m: AcquireGranted) => {
      const resolve = this.pending.get(m.id);
      if (resolve === undefined) return;
      this.pending.delete(m.id);
      resolve(m.at);
    });
  }

  /** Resolves with the epoch ms at which the main thread granted the tokens. */
  acquireAt(pool: QuotaPool, weight: number, priority: CallPriority): Promise<number> {
    const id = this.nextId++;
    return new Promise<number>((resolve) => {
      this.pending.set(id, resolve);
      const req: AcquireRequest = { type: 'acquire', id, pool, weight, priority };
      this.port.postMessage(req);
    });
  }

  acquire(pool: QuotaPool, weight: number, priority: CallPriority): Promise<void> {
    return this.acquireAt(pool, weight, priority).then(() => undefined);
  }

  close(): void {
    this.port.close();
  }
}
