import { expect } from 'chai';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import { RedisConnection } from '../../src/cluster/redis-connection.js';
import { SymbolLeases, type LeaseLost } from '../../src/cluster/symbol-lease.js';
import { RedisServer } from './support/redis-server.js';
import { waitUntil } from '../support/wait-until.js';

describe('SymbolLeases (real redis-server)', () => {
  let redis: RedisServer;
  const connections: RedisConnection[] = [];
  const keys = clusterKeys('424242');

  async function leasesFor(processId: string, ttlMs = 1000, now?: () => number): Promise<SymbolLeases> {
    const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 1000 });
    connections.push(connection);
    await connection.waitUntilUp(5000);
    return new SymbolLeases({ connection, keys, processId, ttlMs, ...(now ? { clock: { now } } : {}) });
  }

  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.close()));
    const flush = new RedisConnection({ url: redis.url });
    await flush.waitUntilUp(5000);
    await flush.run('flush', (c) => c.flushall());
    await flush.close();
  });
  after(async () => {
    await redis?.stop();
  });

  it('gives a symbol to one process at a time, with growing fencing tokens', async () => {
    const a = await leasesFor('a');
    const b = await leasesFor('b');
    const first = await a.acquire('XBTUSDTM');
    expect(first.ok).to.equal(true);
    const second = await b.acquire('XBTUSDTM');
    expect(second).to.deep.include({ ok: false, owner: 'a' });
    expect(a.holds('XBTUSDTM')).to.equal(true);
    expect(b.holds('XBTUSDTM')).to.equal(false);
    const other = await b.acquire('ETHUSDTM');
    expect(other.ok && first.ok && other.lease.token > first.lease.token).to.equal(true);
  });

  it('lets another process take over after the TTL; the old owner finds its token stale', async () => {
    const a = await leasesFor('a', 400);
    const b = await leasesFor('b', 400);
    const lost: LeaseLost[] = [];
    a.onLost((l) => lost.push(l));
    const mine = await a.acquire('SOLUSDTM');
    expect(mine.ok).to.equal(true);
    // a stops renewing (killed); b keeps trying until the lease lapses in Redis
    let taken = await b.acquire('SOLUSDTM');
    await waitUntil(
      'b to take the lapsed lease',
      async () => {
        if (!taken.ok) taken = await b.acquire('SOLUSDTM');
        return taken.ok;
      },
      { timeoutMs: 5000, intervalMs: 50 },
    ).catch(() => undefined);
    expect(taken.ok).to.equal(true);
    if (!taken.ok || !mine.ok) return;
    expect(taken.lease.token).to.be.greaterThan(mine.lease.token);
    // a comes back: its renewal fails, it learns the token is stale and never trades the symbol
    await a.renewAll();
    expect(a.holds('SOLUSDTM')).to.equal(false);
    expect(a.isStale('SOLUSDTM')).to.equal(true);
    expect(lost).to.deep.equal([{ symbol: 'SOLUSDTM', token: mine.lease.token, why: 'taken' }]);
    // and it cannot release b's lease
    await a.release('SOLUSDTM');
    expect((await b.owners(['SOLUSDTM'])).get('SOLUSDTM')).to.equal('b');
  });

  it('keeps a renewed lease past its TTL and frees a released one at once', async () => {
    const a = await leasesFor('a', 400);
    const b = await leasesFor('b', 400);
    await a.acquire('ADAUSDTM');
    for (let i = 0; i < 5; i++) {
      // Real time on purpose: redis-server expires the key on its own clock, which no fake clock moves.
      await new Promise((r) => setTimeout(r, a.renewIntervalMs));
      await a.renewAll();
    }
    expect(a.holds('ADAUSDTM')).to.equal(true);
    expect((await b.acquire('ADAUSDTM')).ok).to.equal(false);
    await a.release('ADAUSDTM');
    expect((await b.acquire('ADAUSDTM')).ok).to.equal(true);
  });

  it('lets a restarted process with the same id re-own its leases at once (same token)', async () => {
    const before = await leasesFor('host-bot1');
    const first = await before.acquire('LTCUSDTM');
    const after = await leasesFor('host-bot1'); // the process restarted: a new connection, nothing held locally
    const again = await after.acquire('LTCUSDTM');
    expect(again.ok && first.ok && again.lease.token === first.lease.token).to.equal(true);
    expect((await (await leasesFor('host-bot2')).acquire('LTCUSDTM')).ok).to.equal(false);
  });

  it('counts a lease as held locally only until the request time + TTL - margin', async () => {
    let now = 1_000_000;
    const a = await leasesFor('a', 1000, () => now);
    await a.acquire('DOTUSDTM');
    now += 799;
    expect(a.holds('DOTUSDTM')).to.equal(true);
    now += 2;
    expect(a.holds('DOTUSDTM')).to.equal(false, 'the margin (TTL / 5) has passed');
  });

  it('rejects bad options with the field named', async () => {
    const connection = new RedisConnection({ url: redis.url });
    connections.push(connection);
    expect(() => new SymbolLeases({ connection, keys, processId: 'a|b', ttlMs: 1000 })).to.throw(/processId/);
    expect(() => new SymbolLeases({ connection, keys, processId: 'a', ttlMs: 10 })).to.throw(/ttlMs/);
  });
});
