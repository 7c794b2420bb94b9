// A standby's reconcile passes while ownership is uncertain (just (re)connected to Redis, the adoption
// grace): a dead peer's position must keep its stop, and a peer must not become "another bot".
// Real simulator, real SQLite journals, real redis-server.
import { expect } from 'chai';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import type { LeaseOwnership } from '../../src/cluster/lease-ownership.js';
import type { RedisConnection } from '../../src/cluster/redis-connection.js';
import type { Store } from '../../src/store/index.js';
import { Harness } from '../executor/support/executor-harness.js';
import { ClusterPeers } from './support/cluster-peers.js';
import { RedisServer } from './support/redis-server.js';
import { clockReading } from '../support/instant-clock.js';
import { waitUntil } from '../support/wait-until.js';

const TTL_MS = 600;

describe('adoption grace: a standby that just connected to Redis (real simulator, SQLite, redis-server)', () => {
  let redis: RedisServer;
  let h: Harness;
  const peers = new ClusterPeers(() => redis, clusterKeys('100000003'), TTL_MS);

  /** `frozen`: a clock that never moves, so the adoption grace never ends however slow the machine. */
  function ownership(processId: string, frozen = false): Promise<{ own: LeaseOwnership; connection: RedisConnection }> {
    const t0 = Date.now();
    return peers.ownership(processId, frozen ? { clock: clockReading(() => t0) } : {});
  }

  const journal = (name: string): Store => peers.journal(h.dir, name);

  async function leaseGone(symbol: string): Promise<void> {
    const probe = await ownership('probe');
    await waitUntil(
      `the lease on ${symbol} to lapse`,
      async () => (await probe.own.heldByOthers([symbol]))?.has(symbol) === false,
      {
        timeoutMs: TTL_MS + 5000,
        intervalMs: 50,
      },
    );
  }

  before(async () => {
    redis = await RedisServer.start();
  });
  beforeEach(async () => {
    h = await Harness.start();
  });
  afterEach(async () => {
    await peers.close();
    await h.close();
    await redis.down();
    await redis.up();
  });
  after(async () => {
    await redis?.stop();
  });

  it("never cancels a dead peer's stop on a symbol the venue still holds, while it may not adopt yet", async () => {
    const symbol = h.symbol(0);
    const { own: ownA } = await ownership('a');
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    expect((await a.openPosition(h.signal(symbol))).ok).to.equal(true);
    expect(h.venueStops(symbol)).to.have.length(1);
    // a dies; its lease lapses. A standby starts now: within its grace it may not adopt.
    await ownA.close();
    await leaseGone(symbol);
    const { own: ownB } = await ownership('b', true);
    await ownB.renew();
    expect(ownB.isPeerBot('abot')).to.equal(true);
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });
    const pass = await b.reconcile();
    expect(pass.positionsAdopted).to.deep.equal([]);
    expect(pass.stopsCancelled).to.equal(0);
    expect(h.venueStops(symbol)).to.have.length(1, 'the position keeps its stop until someone adopts it');
  });

  it('keeps a known peer a peer when Redis restarts empty: no "another bot" contest on its symbol', async () => {
    const symbol = h.symbol(0);
    const { own: ownA } = await ownership('a');
    const { own: ownB, connection: connB } = await ownership('b');
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });
    expect((await a.openPosition(h.signal(symbol))).ok).to.equal(true);
    await ownB.renew();
    expect((await b.reconcile()).contested).to.deep.equal([]);
    // Redis restarts empty: the registry of bot ids is gone until a renews (it has not yet).
    await redis.down();
    await redis.up();
    await connB.waitUntilUp(10_000);
    await ownB.renew();
    const pass = await b.reconcile();
    expect(pass.contested).to.deep.equal([]);
    expect(pass.positionsForeign).to.deep.equal([]);
    expect(pass.stopsCancelled).to.equal(0);
    expect(h.venueStops(symbol)).to.have.length(1);
  });

  it('opens no contest during the grace after (re)connecting, even for a bot id not seen yet', async () => {
    const symbol = h.symbol(0);
    const { own: ownA } = await ownership('a');
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    expect((await a.openPosition(h.signal(symbol))).ok).to.equal(true);
    // Redis restarts empty before b ever read the registry; a has not re-registered yet.
    await redis.down();
    await redis.up();
    const { own: ownB } = await ownership('b', true);
    await ownB.renew();
    expect(ownB.isPeerBot('abot')).to.equal(false);
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });
    const pass = await b.reconcile();
    expect(pass.contested).to.deep.equal([]);
    expect(pass.positionsAdopted).to.deep.equal([]);
    expect(pass.stopsCancelled).to.equal(0);
  });
});
