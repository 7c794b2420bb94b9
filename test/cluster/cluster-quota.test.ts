import { expect } from 'chai';
import { Redis } from 'ioredis';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import { ClusterQuota, type PoolShape } from '../../src/cluster/cluster-quota.js';
import { QuotaRefiller } from '../../src/cluster/quota-refiller.js';
import { RedisConnection } from '../../src/cluster/redis-connection.js';
import type { QuotaPool } from '../../src/exchange/endpoints.js';
import { KUCOIN_LIMITS } from '../../src/exchange/endpoints.js';
import { SharedRateLimiter } from '../../src/resilience/shared-rate-limiter.js';
import { RedisServer } from './support/redis-server.js';
import { clockReading } from '../support/instant-clock.js';

// A slow pool so the test can count every token: 100 burst, 1 token per 100 ms, 20 reserved.
const SHAPE: PoolShape = { capacity: 100, refillPerMs: 0.01, reserve: 20 };
const SHAPES: Record<QuotaPool, PoolShape> = { public: SHAPE, futures: SHAPE };

describe('ClusterQuota and QuotaRefiller (real redis-server)', () => {
  let redis: RedisServer;
  const closers: (() => Promise<void>)[] = [];
  const keys = clusterKeys('777');

  async function connect(): Promise<RedisConnection> {
    const c = new RedisConnection({ url: redis.url, commandTimeoutMs: 1000, reconnectDelayMs: 50 });
    closers.push(() => c.close());
    await c.waitUntilUp(5000);
    return c;
  }

  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await redis.up();
    const c = await connect();
    await c.run('flush', (r) => r.flushall());
    await c.close();
    closers.length = 0;
  });
  after(async () => {
    await redis?.stop();
  });

  it('hands out the account bucket in blocks, reserves one block ahead, and keeps the reserve for critical takes of any process', async () => {
    const a = new ClusterQuota(await connect(), keys, SHAPES);
    const b = new ClusterQuota(await connect(), keys, SHAPES);
    const now: number[] = [];
    for (let i = 0; i < 5; i++)
      now.push((await (i % 2 ? a : b).take('futures', { want: 15, priority: 'normal' })).granted);
    expect(now).to.deep.equal([15, 15, 15, 15, 15], 'capacity 100 minus the 20 reserved: five whole blocks at once');
    const ahead = await a.take('futures', { want: 15, priority: 'normal' });
    expect(ahead.granted).to.equal(15, 'the next block is reserved ahead of the refill');
    expect(ahead.waitMs).to.be.within(900, 1000, 'usable once 10 more tokens refilled (0.01 per ms)');
    const refused = await b.take('futures', { want: 15, priority: 'normal' });
    expect(refused.granted).to.equal(0, 'more than one block ahead is refused');
    expect(refused.waitMs).to.be.greaterThan(0);
    const critical = await b.take('futures', { want: 30, priority: 'critical' });
    expect(critical.granted).to.be.within(
      10,
      11,
      'what is left of the reserve goes to a critical take from another process',
    );
    // the public pool is a separate bucket
    expect((await a.take('public', { want: 15, priority: 'normal' })).granted).to.equal(15);
  });

  it('takes unused tokens back, never above the capacity', async () => {
    const a = new ClusterQuota(await connect(), keys, SHAPES);
    expect((await a.take('futures', { want: 50, priority: 'normal' })).granted).to.equal(50);
    const back = await a.giveBack('futures', 80);
    expect(back.tokensLeft).to.equal(100);
  });

  it('shares a 429 pause with every process (reply and pub/sub) and applies server corrections downward', async () => {
    const a = new ClusterQuota(await connect(), keys, SHAPES);
    const b = new ClusterQuota(await connect(), keys, SHAPES);
    const sub = new Redis(redis.url);
    closers.push(async () => void sub.disconnect());
    await sub.subscribe(keys.quotaEvents);
    const heard = new Promise<string>((resolve) => sub.on('message', (_ch: string, msg: string) => resolve(msg)));
    const paused = await a.take('futures', { want: 0, priority: 'normal', pauseMs: 3000 });
    expect(await heard).to.match(/^futures:\d+$/);
    const during = await b.take('futures', { want: 10, priority: 'critical' });
    expect(during.granted).to.equal(0, 'not even critical calls: the server refuses everything until its reset');
    expect(during.waitMs).to.be.within(2500, 3000);
    expect(during.pausedUntil).to.equal(paused.pausedUntil);

    await a.giveBack('public', 1); // touch the public bucket: full
    const corrected = await b.take('public', {
      want: 0,
      priority: 'normal',
      correction: { remaining: 30, resetMs: 1000 },
    });
    expect(corrected.tokensLeft).to.be.closeTo(30 - 0.01 * 1000, 0.5);
    const notRaised = await b.take('public', {
      want: 0,
      priority: 'normal',
      correction: { remaining: 2000, resetMs: 0 },
    });
    expect(notRaised.tokensLeft).to.be.below(25, 'a correction never raises the bucket');
  });

  it('keeps the local bucket stocked with at most one round trip per block and gives tokens back when stopped', async () => {
    const connection = await connect();
    const quota = new ClusterQuota(connection, keys, SHAPES);
    const limiter = SharedRateLimiter.create({
      ...KUCOIN_LIMITS,
      refill: 'external',
      quota: { public: 1000, futures: 1000 },
    });
    const refiller = new QuotaRefiller({ limiter, quota, connection, shapes: SHAPES, peers: () => 1, blockTokens: 20 });
    let admitted = 0;
    for (let i = 0; i < 4; i++) {
      await refiller.tick();
      while (limiter.tryAcquire('futures', 2, 'normal').ok) admitted++;
    }
    const stats = refiller.stats();
    // The account's 80 normal tokens (its reserve stays) in four blocks, less the 20 this process
    // keeps as its local reserve for critical calls.
    expect(stats.tokensTaken.futures).to.equal(80, 'never the account reserve without critical demand');
    expect(admitted).to.equal(30);
    expect(stats.tokensTaken.public).to.equal(40, 'an idle pool is stocked to its local reserve + half a block');
    expect(stats.roundTrips).to.equal(6, 'one per 20-token block');
    await limiter.acquire('futures', 2, 'critical'); // the local reserve serves it at once
    await refiller.stop();
    const left = await quota.take('futures', { want: 0, priority: 'normal' });
    expect(left.tokensLeft).to.be.at.least(20, 'the locally held reserve went back to the account');
  });

  it('falls back to 1/N of the pool rate while Redis is down', async () => {
    const connection = await connect();
    const quota = new ClusterQuota(connection, keys, SHAPES);
    let now = 1_000_000;
    const limiter = SharedRateLimiter.create({
      ...KUCOIN_LIMITS,
      refill: 'external',
      quota: { public: 1000, futures: 1000 },
    });
    const refiller = new QuotaRefiller({
      limiter,
      quota,
      connection,
      shapes: SHAPES,
      peers: () => 4,
      clock: clockReading(() => now),
    });
    await redis.down();
    await new Promise<void>((resolve) =>
      connection.state === 'down' ? resolve() : connection.onStateChange((s) => s === 'down' && resolve()),
    );
    await refiller.tick();
    now += 10_000; // 10 s at 0.01 tokens/ms = 100 tokens for the account, 25 for one of 4 processes
    await refiller.tick();
    expect(limiter.available('futures')).to.be.closeTo(25, 1);
    expect(refiller.stats().share).to.equal(0.25);
  });
});
