// The quota benchmark compresses KuCoin's 30 s window K-fold: the simulator counts quota on a clock
// running K× faster, so the reset times it sends back are in compressed milliseconds. This gate
// converts them to real milliseconds before they reach the limiter (whose window is 30 s / K real
// ms), and counts what passes through.
import type { QuotaPool } from '../src/exchange/endpoints.js';
import type { CallPriority, Limiter, RateLimitSnapshot } from '../src/resilience/limiter.js';

export class ScaledTimeGate implements Limiter<QuotaPool> {
  rateLimitedCalls = 0;
  acquired = 0;

  constructor(
    private readonly inner: Limiter<QuotaPool>,
    private readonly compression: number,
  ) {}

  async acquire(pool: QuotaPool, weight: number, priority: CallPriority, signal?: AbortSignal): Promise<void> {
    await this.inner.acquire(pool, weight, priority, signal);
    this.acquired++;
  }

  observe(pool: QuotaPool, snapshot: RateLimitSnapshot): void {
    this.inner.observe(pool, { ...snapshot, resetMs: snapshot.resetMs / this.compression });
  }

  rateLimited(pool: QuotaPool, resetMs: number): void {
    this.rateLimitedCalls++;
    this.inner.rateLimited(pool, resetMs / this.compression);
  }
}
