// LeaseOwnership against a real redis-server: what a graceful stop hands back, and what a Redis
// that restarted empty must not make this process forget.
import { expect } from 'chai';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import { LeaseOwnership } from '../../src/cluster/lease-ownership.js';
import { RedisConnection } from '../../src/cluster/redis-connection.js';
import { RedisServer } from './support/redis-server.js';

// Long enough that only a release (never the TTL) can free a lease within a test.
const TTL_MS = 60_000;

describe('LeaseOwnership (real redis-server)', function () {
  let redis: RedisServer;
  const connections: RedisConnection[] = [];
  const owners: LeaseOwnership[] = [];
  const keys = clusterKeys('100000002');

  async function ownership(processId: string, ttlMs = TTL_MS): Promise<LeaseOwnership> {
    const connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 1000, reconnectDelayMs: 50 });
    connections.push(connection);
    await connection.waitUntilUp(5000);
    const o = new LeaseOwnership({ connection, keys, processId, ttlMs, botId: `${processId}bot` });
    owners.push(o);
    return o;
  }

  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(owners.splice(0).map((o) => o.close()));
    await Promise.all(connections.splice(0).map((c) => c.close()));
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
    const b = await ownership('b');
    await a.renew();
    await b.renew();
    expect(b.isPeerBot('abot')).to.equal(true);
    await redis.down();
    await redis.up();
    await connections[1]!.waitUntilUp(10_000);
    await b.renew();
    expect(b.isPeerBot('abot')).to.equal(true, 'a restarted Redis forgot the registry, not the peer');
    expect(b.knowsPeers()).to.equal(false, 'just reconnected: the adoption grace');
  });
});
