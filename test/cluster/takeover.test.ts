// Two executors (two processes' journals) on one simulator account and one real redis-server: an
// entry needs the symbol's lease, the other process leaves the position and its stop alone, and
// once the owner stops renewing, the survivor adopts and protects the position while the old owner,
// its token stale, no longer trades it.
import { expect } from 'chai';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import { LeaseOwnership } from '../../src/cluster/lease-ownership.js';
import type { Store } from '../../src/store/index.js';
import { Harness } from '../executor/support/executor-harness.js';
import { ClusterPeers } from './support/cluster-peers.js';
import { RedisServer } from './support/redis-server.js';
import { clockReading } from '../support/instant-clock.js';
import { waitUntil } from '../support/wait-until.js';

const TTL_MS = 600;

/** A peer whose next lease lookup first lets `hook` run: another process acting between our list and our claim. */
class InterleavedOwnership extends LeaseOwnership {
  hook: (() => Promise<void>) | undefined;

  override async heldByOthers(symbols: readonly string[]): Promise<ReadonlySet<string> | undefined> {
    const hook = this.hook;
    this.hook = undefined;
    if (hook) await hook();
    return super.heldByOthers(symbols);
  }
}

describe('takeover between two processes on one account (real simulator, SQLite, redis-server)', () => {
  let redis: RedisServer;
  let h: Harness;
  const peers = new ClusterPeers(() => redis, clusterKeys('100000001'), TTL_MS);

  async function ownership(processId: string): Promise<LeaseOwnership> {
    return (await peers.ownership(processId)).own;
  }

  const journal = (name: string): Store => peers.journal(h.dir, name);

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

  it('gives a symbol to one process; the other adopts it only after the owner is gone, and the old owner stands down', async () => {
    const symbol = h.symbol(0);
    const ownA = await ownership('a');
    const ownB = await ownership('b');
    ownA.start();
    ownB.start();
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });

    const opened = await a.openPosition(h.signal(symbol));
    expect(opened.ok).to.equal(true);
    const refused = await b.openPosition(h.signal(symbol));
    expect(refused).to.deep.include({ ok: false, stage: 'ownership' });

    // b sees a position it did not record, owned by a live process: neither adopted nor its stop cancelled.
    const passB = await b.reconcile();
    expect(passB.positionsAdopted).to.deep.equal([]);
    expect(passB.stopsCancelled).to.equal(0);
    expect(h.venueStops(symbol)).to.have.length(1);

    // a dies (no more renewals); after the TTL b adopts and protects the position.
    await ownA.close();
    // The lease lapses on Redis's own clock: poll b's reconciliation until it adopts (or give up).
    let adopted: readonly string[] = [];
    await waitUntil(
      'b to adopt',
      async () => {
        adopted = (await b.reconcile()).positionsAdopted;
        return adopted.length > 0;
      },
      { timeoutMs: TTL_MS + 5000, intervalMs: 100 },
    ).catch(() => undefined);
    expect(adopted).to.deep.equal([symbol]);
    expect(b.openPositions().map((p) => p.symbol)).to.deep.equal([symbol]);
    expect(h.venueStops(symbol)).to.have.length(1, 'one exchange stop: the adopter keeps the live one');

    // a comes back with a stale token: it learns so at its next renewal and never touches the symbol.
    await ownA.renew();
    expect(ownA.mayTrade(symbol)).to.equal(false);
    const close = await a.closePosition(symbol);
    expect(close.ok).to.equal(false);
    const passA = await a.reconcile();
    expect(passA.positionsClosed).to.deep.equal([]);
    expect(passA.stopsPlaced).to.deep.equal([]);
    expect(h.sim.engine.ledger.open().map((p) => p.symbol)).to.deep.equal([symbol]);
    // the new owner still trades it
    expect((await b.closePosition(symbol)).ok).to.equal(true);
  });

  it('never leaves a taken-over position silent: refused exits, then an alert naming it as it is retired, the taken-over condition clear', async () => {
    const symbol = h.symbol(0);
    const ownA = await ownership('a');
    const ownB = await ownership('b');
    ownB.start();
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });
    expect((await a.openPosition(h.signal(symbol))).ok).to.equal(true);
    // a never renews (dead); b adopts once the lease lapsed and its adoption grace is over.
    await waitUntil('b to adopt', async () => (await b.reconcile()).positionsAdopted.length > 0, {
      timeoutMs: TTL_MS + 5000,
      intervalMs: 100,
    });
    await ownA.renew();
    expect(ownA.mayTrade(symbol)).to.equal(false);
    expect((await a.closePosition(symbol)).ok).to.equal(false);
    const pass = await a.reconcile();
    expect(pass.positionsHandedOver).to.deep.equal([symbol]);
    expect(
      h.events.some((e) => e.type === 'alert' && e.symbol === symbol && /took the position over/.test(e.reason)),
    ).to.equal(true);
    const condition = h.events.filter((e) => e.type === 'health' && e.key === 'taken-over').at(-1);
    expect(condition).to.deep.include({ status: null }, 'nothing left in this journal that it may not exit');
  });

  it('keeps a taken-over position whose exit order is still working in its journal, DEGRADED and named, until that order is resolved', async () => {
    const symbol = h.symbol(0);
    const ownA = await ownership('a');
    const ownB = await ownership('b');
    ownB.start();
    const journalA = journal('a');
    const a = h.executor(h.port(), journalA, { ownership: ownA, botId: 'abot' });
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });
    expect((await a.openPosition(h.signal(symbol))).ok).to.equal(true);
    await waitUntil('b to adopt', async () => (await b.reconcile()).positionsAdopted.length > 0, {
      timeoutMs: TTL_MS + 5000,
      intervalMs: 100,
    });
    await ownA.renew();
    // a's exit order still works on the venue (a reduce-only limit far above the market).
    const position = journalA.positions.activeForSymbol(symbol)!;
    const clientOid = 'kb_abot_xworkingexit1';
    const price = Math.ceil(h.sim.market.top(symbol).last * 1.5);
    journalA.intents.recordIntent({
      clientOid,
      symbol,
      side: 'sell',
      kind: 'exit',
      size: position.size,
      price,
      reduceOnly: true,
      positionId: position.id,
    });
    await h.client().placeOrder({
      clientOid,
      symbol,
      side: 'sell',
      type: 'limit',
      size: position.size,
      price,
      reduceOnly: true,
      leverage: 5,
    });
    const pass = await a.reconcile();
    expect(pass.positionsHandedOver).to.deep.equal([]);
    const condition = h.events.filter((e) => e.type === 'health' && e.key === 'taken-over').at(-1) as
      | { status: string | null; reason: string }
      | undefined;
    expect(condition?.status).to.equal('DEGRADED');
    expect(condition?.reason).to.contain(symbol);
  });

  it('an old owner restarted after the takeover neither exits nor re-protects the position, and retires it from its journal without a trade', async () => {
    const symbol = h.symbol(0);
    const ownA = await ownership('a');
    const ownB = await ownership('b');
    ownB.start();
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });
    expect((await a.openPosition(h.signal(symbol))).ok).to.equal(true);
    // a dies without a renewal; b adopts once the lease lapsed.
    await waitUntil('b to adopt', async () => (await b.reconcile()).positionsAdopted.length > 0, {
      timeoutMs: TTL_MS + 5000,
      intervalMs: 100,
    });
    // pm2 restarts a: same process id and journal, nothing in memory (no stale token known).
    const ownA2 = await ownership('a');
    const journalA2 = journal('a');
    const a2 = h.executor(h.port(), journalA2, { ownership: ownA2, botId: 'abot' });
    const close = await a2.closePosition(symbol);
    expect(close.ok).to.equal(false, 'no exit before the lease is checked');
    expect(h.sim.engine.ledger.open().map((p) => p.symbol)).to.deep.equal([symbol]);
    const pass = await a2.reconcile();
    expect(pass.positionsClosed).to.deep.equal([]);
    expect(pass.stopsPlaced).to.deep.equal([]);
    expect(ownA2.mayTrade(symbol)).to.equal(false);
    expect(journalA2.positions.active()).to.deep.equal([], 'the handed-over position is retired from the old journal');
    expect(journalA2.trades.lastId()).to.equal(0, 'no trade booked for a round trip another process books');
    expect(h.venueStops(symbol)).to.have.length(1);
    expect((await b.closePosition(symbol)).ok).to.equal(true);
  });

  it('does not adopt a round trip its owner closed after the position list was read (the claim succeeds on a released lease)', async () => {
    const symbol = h.symbol(0);
    const ownA = await ownership('a');
    let ahead = 0;
    const ownB = (
      await peers.ownership('b', {
        clock: clockReading(() => Date.now() + ahead),
        make: (o) => new InterleavedOwnership(o),
      })
    ).own as InterleavedOwnership;
    ahead = 60_000; // b's clock jumps: its adoption grace is over at once
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    const b = h.executor(h.port(), journal('b'), { ownership: ownB, botId: 'bbot' });
    expect((await a.openPosition(h.signal(symbol))).ok).to.equal(true);
    await ownB.renew();
    // b has listed the venue's positions; a closes its round trip and frees the lease before b asks who owns it.
    ownB.hook = async () => {
      expect((await a.closePosition(symbol)).ok).to.equal(true);
      await ownA.retainOnly([]);
    };
    const pass = await b.reconcile();
    expect(ownB.hook).to.equal(undefined, 'the interleaving happened');
    expect(h.sim.engine.ledger.open()).to.deep.equal([]);
    expect(pass.positionsAdopted).to.deep.equal([]);
    expect(b.openPositions()).to.deep.equal([]);
  });

  it('stops entries while Redis is down and keeps exits going', async () => {
    const [s0, s1] = [h.symbol(0), h.symbol(1)];
    const { own: ownA, connection: connA } = await peers.ownership('a');
    ownA.start();
    const a = h.executor(h.port(), journal('a'), { ownership: ownA, botId: 'abot' });
    expect((await a.openPosition(h.signal(s0))).ok).to.equal(true);
    await redis.down();
    const refused = await a.openPosition(h.signal(s1));
    expect(refused).to.deep.include({ ok: false, stage: 'ownership' });
    const closed = await a.closePosition(s0);
    expect(closed.ok).to.equal(true, 'an exit never waits for Redis');
    await redis.up();
    await connA.waitUntilUp(10_000);
    expect((await a.openPosition(h.signal(s1))).ok).to.equal(true, 'entries resume once Redis is back');
  });
});
