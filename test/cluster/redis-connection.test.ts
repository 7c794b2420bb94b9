import { expect } from 'chai';
import { RedisConnection, isRedisUnavailable, type RedisState } from '../../src/cluster/redis-connection.js';
import { RedisServer } from './support/redis-server.js';

describe('RedisConnection (real redis-server)', () => {
  let redis: RedisServer;
  let connection: RedisConnection | undefined;

  before(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
    await redis.up();
  });
  after(async () => {
    await redis?.stop();
  });

  it('reports down when the server goes away, fails commands at once, and comes back up', async () => {
    connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 300, reconnectDelayMs: 50 });
    const states: RedisState[] = [];
    connection.onStateChange((s) => states.push(s));
    await connection.waitUntilUp(5000);
    expect(await connection.run('ping', (c) => c.ping())).to.equal('PONG');
    await redis.down();
    await new Promise<void>((resolve) => {
      if (connection!.state === 'down') resolve();
      connection!.onStateChange((s) => s === 'down' && resolve());
    });
    const err = await connection
      .run('ping', (c) => c.ping())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isRedisUnavailable(err)).to.equal(true);
    // No offline queue: a down Redis fails the command at once, not by the 300 ms command timeout.
    expect((err as Error).message, 'no offline queue: a down Redis fails at once').to.not.match(/timed out/i);
    await redis.up();
    await connection.waitUntilUp(10_000);
    expect(await connection.run('ping', (c) => c.ping())).to.equal('PONG');
    expect(states).to.deep.equal(['up', 'down', 'up']);
  });

  it('times out a command Redis does not answer, and says so', async () => {
    connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 200 });
    await connection.waitUntilUp(5000);
    // DEBUG SLEEP blocks the server: the next command cannot be answered in time.
    const blocker = new RedisConnection({ url: redis.url, commandTimeoutMs: 5000 });
    await blocker.waitUntilUp(5000);
    const sleeping = blocker.run('sleep', (c) => c.call('DEBUG', 'SLEEP', '1')).catch(() => undefined);
    // A blocked server answers no probe, so nothing can say DEBUG SLEEP has arrived; 50 ms of its 1 s lets it.
    await new Promise((r) => setTimeout(r, 50));
    const err = await connection
      .run('get', (c) => c.get('x'))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isRedisUnavailable(err) && /timed out/i.test((err as Error).message)).to.equal(true);
    await sleeping;
    await blocker.close();
  });

  it('rejects a URL that is not redis://', () => {
    expect(() => new RedisConnection({ url: 'http://localhost:6379' })).to.throw(/REDIS_URL/);
  });
});
