// Main-thread side of the baseline limiter: one single-thread token bucket per pool (the project's
// RateLimiter) serving acquire requests that workers post over MessagePorts. This is the design
// the shared SharedArrayBuffer limiter replaces: every acquire costs a round trip through the
// main thread's event loop.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { QuotaPool } from '../src/exchange/endpoints.js';
import { RateLimiter } from '../src/resilience/rate-limiter.js';
import type { AcquireGranted, AcquireRequest } from './port-limiter-messages.js';

export interface PortLimiterServerOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly reserveFraction?: number;
}

export class PortLimiterServer {
  private readonly buckets: RateLimiter<QuotaPool>;
  private readonly ports: MessagePort[] = [];
  granted = 0;

  constructor(options: PortLimiterServerOptions) {
    this.buckets = new RateLimiter({
      capacity: options.capacity,
      refillPerSecond: options.refillPerSecond,
      reserveFraction: options.reserveFraction ?? 0,
    });
  }

  /** A new port for one worker (transfer it in workerData's transferList). */
  connect(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (req: AcquireRequest) => this.handle(port1, req));
    this.ports.push(port1);
    return port2;
  }

  close(): void {
    for (const p of this.ports.splice(0)) p.close();
  }

  private handle(port: MessagePort, req: AcquireRequest): void {
    const answer = (): void => {
      this.granted++;
      const reply: AcquireGranted = { type: 'granted', id: req.id, at: Date.now() };
      port.postMessage(reply);
    };
    // Answer synchronously when tokens are there (the common case); otherwise wait on the bucket.
    if (this.buckets.tryAcquire(req.pool, req.weight, req.priority).ok) answer();
    else void this.buckets.acquire(req.pool, req.weight, req.priority).then(answer);
  }
}
