// KuCoin's per-pool request quotas: a fixed window that starts at the first request, weights from
// the shared endpoint table, and the gw-ratelimit-* view of it sent back on every response.
import { POOL_QUOTA, POOL_WINDOW_MS, type QuotaPool } from '../exchange/endpoints.js';
import type { Clock } from '../resilience/clock.js';
import { defined } from '../invariant/invariant-error.js';

export interface QuotaView {
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
}

export interface QuotaCharge extends QuotaView {
  readonly allowed: boolean;
}

interface Window {
  start: number;
  used: number;
}

export interface QuotaOptions {
  /** Real time; tests inject a clock so a window can pass without waiting 30 s. */
  readonly clock: Pick<Clock, 'now'>;
  readonly quota?: Readonly<Record<QuotaPool, number>>;
  readonly windowMs?: number;
}

export class QuotaTracker {
  private readonly windows = new Map<string, Window>();
  private readonly quota: Readonly<Record<QuotaPool, number>>;
  private readonly windowMs: number;

  constructor(private readonly opts: QuotaOptions) {
    this.quota = opts.quota ?? POOL_QUOTA;
    this.windowMs = opts.windowMs ?? POOL_WINDOW_MS;
  }

  /** Spends `weight` from the caller's pool unless that would exceed it (then nothing is spent). */
  charge(pool: QuotaPool, caller: string, weight: number): QuotaCharge {
    const w = defined(this.window(pool, caller, true), `quota window of ${pool}|${caller}`);
    const limit = this.quota[pool];
    const allowed = w.used + weight <= limit;
    if (allowed) w.used += weight;
    return { allowed, ...this.viewOf(pool, w) };
  }

  /** Marks the caller's pool as spent (a simulated 429 burst). */
  exhaust(pool: QuotaPool, caller: string): QuotaView {
    const w = defined(this.window(pool, caller, true), `quota window of ${pool}|${caller}`);
    w.used = this.quota[pool];
    return this.viewOf(pool, w);
  }

  /** Current view without spending; a pool not used yet shows its full quota. */
  peek(pool: QuotaPool, caller: string): QuotaView {
    const w = this.window(pool, caller, false);
    if (!w) return { limit: this.quota[pool], remaining: this.quota[pool], resetMs: this.windowMs };
    return this.viewOf(pool, w);
  }

  reset(): void {
    this.windows.clear();
  }

  private window(pool: QuotaPool, caller: string, create: boolean): Window | undefined {
    const key = `${pool}|${caller}`;
    const now = this.opts.clock.now();
    let w = this.windows.get(key);
    if (w && now - w.start >= this.windowMs) {
      this.windows.delete(key);
      w = undefined;
    }
    if (!w && create) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  private viewOf(pool: QuotaPool, w: Window): QuotaView {
    const limit = this.quota[pool];
    return {
      limit,
      remaining: Math.max(0, limit - w.used),
      resetMs: Math.max(0, w.start + this.windowMs - this.opts.clock.now()),
    };
  }
}
