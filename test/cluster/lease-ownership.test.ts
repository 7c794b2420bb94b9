// LeaseOwnership against a real redis-server: what a graceful stop hands back, and what a Redis
// that restarted empty must not make this process forget.
import { expect } from 'chai';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import type { LeaseOwnership } from '../../src/cluster/lease-ownership.js';
import { ClusterPeers } from './support/cluster-peers.js';
import { RedisServer } from './support/redis-server.js';

// Long enough that only a release (never the TTL) can free a lease within a test.
const TTL_MS = 60_000;

describe('LeaseOwnership (real redis-server)', () => {
  let redis: RedisServer;
  const peers = new ClusterPeers(() => redis, clusterKeys('100000002'), TTL_MS);

  async function ownership(processId: string, ttlMs = TTL_MS): Promise<LeaseOwnership> {
    return (await peers.ownership(processId, { ttlMs })).own;
  }

  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await peers.close();
    await redis.down();
    await redis.up();
  });
  after(async () => {
    await redis?.stop();
  });

  it('hands every lease back on a graceful stop, so a standby claims at once instead of after LEASE_TTL', async () => {
    const a = await ownership('a');
    const b = await ownership('b');
    expect(await a.claimForEntry('XBTUSDTM')).to.equal(true);
    expect(await a.claimForEntry('ETHUSDTM')).to.equal(true);
    expect(await b.claimForEntry('XBTUSDTM')).to.equal(false);
    await a.shutdown();
    expect(await b.claimForEntry('XBTUSDTM')).to.equal(true);
    expect(await b.claimForEntry('ETHUSDTM')).to.equal(true);
  });

  it('remembers peer bot ids through a Redis restart that empties the registry', async () => {
    const a = await ownership('a');
    const { own: b, connection: connB } = await peers.ownership('b');
    await a.renew();
    await b.renew();
    expect(b.isPeerBot('abot')).to.equal(true);
    await redis.down();
    await redis.up();
    await connB.waitUntilUp(10_000);
    await b.renew();
    expect(b.isPeerBot('abot')).to.equal(true, 'a restarted Redis forgot the registry, not the peer');
    expect(b.knowsPeers()).to.equal(false, 'just reconnected: the adoption grace');
  });
});
