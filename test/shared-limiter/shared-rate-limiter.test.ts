import { expect } from 'chai';
import { KUCOIN_LIMITS, POOL_QUOTA, POOL_WINDOW_MS } from '../../src/exchange/endpoints.js';
import { limiterLayout, packBucket, unpackBucket } from '../../src/resilience/shared-limiter-layout.js';
import type { Limiter } from '../../src/resilience/limiter.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { maxWindowLoad } from './window-check.js';
import { ManualClock } from '../support/manual-clock.js';

const manualClock = (): ManualClock => new ManualClock(1_700_000_000_000);

describe('shared rate limiter (single thread, manual clock)', () => {
  it('sizes the KuCoin buckets so burst plus refill over one window equals the quota, at 90 % throughput', () => {
    const limiter = SharedRateLimiter.create(KUCOIN_LIMITS);
    for (const pool of ['public', 'futures'] as const) {
      const p = limiter.poolParams(pool);
      expect(p.capacity).to.equal(200);
      expect(p.capacity + p.refillPerMs * POOL_WINDOW_MS).to.be.closeTo(POOL_QUOTA[pool], 1e-6);
      expect(p.refillPerMs * POOL_WINDOW_MS).to.be.closeTo(0.9 * POOL_QUOTA[pool], 1e-6);
      expect(p.reserve).to.equal(40);
    }
  });

  it('never lets a greedy caller exceed the quota in any 30 s window, yet uses at least 90 % of it', () => {
    const clock = manualClock();
    const limiter = SharedRateLimiter.create({ ...KUCOIN_LIMITS, clock, reserveFraction: 0 });
    const records: [number, number][] = [];
    const durationMs = 4 * POOL_WINDOW_MS;
    for (let elapsed = 0; elapsed < durationMs; elapsed += 7) {
      for (;;) {
        const r = limiter.tryAcquire('futures', 3, 'normal');
        if (!r.ok) break;
        records.push([r.at, 3]);
      }
      clock.advance(7);
    }
    expect(maxWindowLoad(records, POOL_WINDOW_MS)).to.be.at.most(POOL_QUOTA.futures);
    const total = records.reduce((s, r) => s + r[1], 0);
    expect(total / (durationMs / POOL_WINDOW_MS)).to.be.at.least(0.9 * POOL_QUOTA.futures);
  });

  it('keeps the reserve for critical calls', () => {
    const clock = manualClock();
    const limiter = SharedRateLimiter.create({ ...KUCOIN_LIMITS, clock });
    // Drain to the floor with normal calls: 200 - 40 = 160 tokens.
    expect(limiter.tryAcquire('public', 160, 'normal').ok).to.equal(true);
    const refused = limiter.tryAcquire('public', 1, 'normal');
    expect(refused.ok).to.equal(false);
    expect(limiter.tryAcquire('public', 40, 'critical').ok).to.equal(true);
    expect(limiter.tryAcquire('public', 1, 'critical').ok).to.equal(false);
    // The other pool is independent.
    expect(limiter.tryAcquire('futures', 100, 'normal').ok).to.equal(true);
  });

  it('reports how long to wait, and admits once that time has passed', () => {
    const clock = manualClock();
    const limiter = SharedRateLimiter.create({ ...KUCOIN_LIMITS, clock, reserveFraction: 0 });
    expect(limiter.tryAcquire('futures', 200, 'normal').ok).to.equal(true);
    const r = limiter.tryAcquire('futures', 6, 'normal');
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.waitMs).to.equal(100); // 6 tokens at 0.06 per ms
    clock.advance(99);
    expect(limiter.tryAcquire('futures', 6, 'normal').ok).to.equal(false);
    clock.advance(1);
    expect(limiter.tryAcquire('futures', 6, 'normal').ok).to.equal(true);
  });

  it('corrects downward from rate-limit headers and never upward', () => {
    const clock = manualClock();
    const limiter = SharedRateLimiter.create({ ...KUCOIN_LIMITS, clock, reserveFraction: 0 });
    limiter.tryAcquire('futures', 150, 'normal');
    expect(limiter.available('futures')).to.equal(50);
    limiter.observe('futures', { limit: 2000, remaining: 2000, resetMs: 1000 });
    expect(limiter.available('futures')).to.equal(50); // the server allowing more changes nothing
    // The server says 30 left for the next 1 s: the bucket may hold 30 - 60 refill = -30 (a debt).
    limiter.observe('futures', { limit: 2000, remaining: 30, resetMs: 1000 });
    expect(limiter.available('futures')).to.equal(-30);
    // Over that second we may admit at most 30: (1000 ms × 0.06) − 30 debt.
    let admitted = 0;
    for (let i = 0; i < 1000; i++) {
      clock.advance(1);
      while (limiter.tryAcquire('futures', 1, 'normal').ok) admitted++;
    }
    expect(admitted).to.be.at.most(30);
    expect(admitted).to.be.at.least(29);
    // Garbage headers are ignored.
    limiter.observe('futures', { limit: 2000, remaining: Number.NaN, resetMs: 10 });
    limiter.observe('futures', { limit: 2000, remaining: -1, resetMs: 10 });
    expect(limiter.available('futures')).to.be.at.least(0);
  });

  it('empties the pool on a 429 until the reset the server gave, critical calls included', () => {
    const clock = manualClock();
    const limiter = SharedRateLimiter.create({ ...KUCOIN_LIMITS, clock });
    limiter.rateLimited('public', 5000);
    expect(limiter.stats('public').rateLimitedHits).to.equal(1);
    const r = limiter.tryAcquire('public', 1, 'critical');
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.waitMs).to.be.at.least(5000);
    clock.advance(4999);
    expect(limiter.tryAcquire('public', 1, 'critical').ok).to.equal(false);
    clock.advance(1 + 17); // reset reached, plus refill for one token at 0.06/ms
    expect(limiter.tryAcquire('public', 1, 'critical').ok).to.equal(true);
    expect(limiter.tryAcquire('futures', 1, 'normal').ok).to.equal(true);
  });

  it('acquire waits for refill with a real clock and honours an abort signal', async () => {
    const limiter = SharedRateLimiter.create({
      ...KUCOIN_LIMITS,
      quota: { ...POOL_QUOTA, public: 100 },
      windowMs: 1000,
      reserveFraction: 0,
    });
    // capacity 10, refill 0.09 per ms
    await limiter.acquire('public', 10, 'normal');
    const started = performance.now();
    await limiter.acquire('public', 2, 'normal');
    expect(performance.now() - started).to.be.at.least(15); // 2 tokens need ~22 ms
    const controller = new AbortController();
    limiter.rateLimited('public', 60_000);
    const pending = limiter.acquire('public', 1, 'critical', controller.signal);
    setImmediate(() => controller.abort(new Error('stop waiting'))); // once the acquire is parked
    let caught: unknown;
    try {
      await pending;
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('stop waiting');
  });

  it('attaches to an existing buffer and rejects a buffer of the wrong shape', () => {
    const clock = manualClock();
    const a = SharedRateLimiter.create({ ...KUCOIN_LIMITS, clock });
    const b = SharedRateLimiter.attach(a.buffer, { ...KUCOIN_LIMITS, clock });
    expect(b.tryAcquire('public', 100, 'normal').ok).to.equal(true);
    expect(a.available('public')).to.equal(100);
    expect(() =>
      SharedRateLimiter.attach(
        new SharedArrayBuffer(limiterLayout(KUCOIN_LIMITS.pools.length).bufferBytes + 8),
        KUCOIN_LIMITS,
      ),
    ).to.throw(RangeError, /layout needs/);
  });

  it('validates options, naming the field', () => {
    expect(() => SharedRateLimiter.create({ ...KUCOIN_LIMITS, windowMs: 0 })).to.throw(/windowMs/);
    expect(() => SharedRateLimiter.create({ ...KUCOIN_LIMITS, burstFraction: 1 })).to.throw(/burstFraction/);
    expect(() => SharedRateLimiter.create({ ...KUCOIN_LIMITS, reserveFraction: -0.1 })).to.throw(/reserveFraction/);
    expect(() => SharedRateLimiter.create({ ...KUCOIN_LIMITS, quota: { ...POOL_QUOTA, futures: 2.5 } })).to.throw(
      /quota\.futures/,
    );
    expect(() => SharedRateLimiter.create({ ...KUCOIN_LIMITS, quota: { ...POOL_QUOTA, public: 10_000_000 } })).to.throw(
      /quota\.public/,
    );
  });

  it('is generic: the pools and quotas are passed in, an unknown pool is refused by name', () => {
    const limiter: Limiter<'orders' | 'reads'> = SharedRateLimiter.create({
      pools: ['orders', 'reads'],
      quota: { orders: 100, reads: 50 },
      windowMs: 1000,
    });
    const shared = limiter as SharedRateLimiter<'orders' | 'reads'>;
    expect(shared.poolParams('orders').capacity).to.equal(10);
    expect(shared.poolParams('reads').capacity).to.equal(5);
    expect(() => shared.tryAcquire('writes' as 'orders', 1, 'normal')).to.throw(
      RangeError,
      /unknown pool "writes"; this limiter has orders, reads/,
    );
    expect(() => SharedRateLimiter.attach(shared.buffer, { pools: ['orders'] })).to.throw(RangeError, /for 1 pools/);
    expect(() => SharedRateLimiter.create({ pools: [], quota: {}, windowMs: 1000 })).to.throw(
      RangeError,
      /at least one pool/,
    );
    expect(() => SharedRateLimiter.create({ pools: ['a', 'a'], quota: { a: 10 }, windowMs: 1000 })).to.throw(
      RangeError,
      /distinct/,
    );
  });

  it('packs tokens (including debts) and time into one word losslessly', () => {
    for (const b of [
      { tokensMilli: 0, atMs: 0 },
      { tokensMilli: 200_000, atMs: 123_456_789 },
      { tokensMilli: -1_800_000, atMs: 2 ** 39 },
    ]) {
      expect(unpackBucket(packBucket(b))).to.deep.equal(b);
    }
  });
});
