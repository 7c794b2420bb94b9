import { expect } from 'chai';
import { WebSocket } from 'ws';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { SimClient } from './signed-client.js';

type Msg = Record<string, unknown>;

/** Collects every message from a socket and lets a test wait for one matching a predicate. */
class Inbox {
  readonly all: Msg[] = [];
  private waiters: Array<{ pred: (m: Msg) => boolean; resolve: (m: Msg) => void }> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as Msg;
      this.all.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }

  next(pred: (m: Msg) => boolean, timeoutMs = 3000): Promise<Msg> {
    const seen = this.all.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message; got ${JSON.stringify(this.all.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  send(m: Msg): void {
    this.ws.send(JSON.stringify(m));
  }
}

async function connect(c: SimClient, kind: 'public' | 'private'): Promise<Inbox> {
  const bullet = await c.data<{
    token: string;
    instanceServers: Array<{ endpoint: string; pingInterval: number; protocol: string }>;
  }>('POST', `/api/v1/bullet-${kind}`, undefined, kind === 'private');
  const server = bullet.instanceServers[0]!;
  const ws = new WebSocket(`${server.endpoint}?token=${encodeURIComponent(bullet.token)}&connectId=c-${kind}`);
  const inbox = new Inbox(ws);
  await inbox.next((m) => m['type'] === 'welcome');
  return inbox;
}

describe('simulator WebSocket', () => {
  let sim: SimulatorHandle;
  let c: SimClient;
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    sim = await startSimulator({
      clock: 'manual',
      startTime: Date.UTC(2025, 2, 3, 12),
      contracts: 5,
      tickIntervalMs: 20,
    });
    c = new SimClient(sim.url, sim.credentials);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    c.close();
    await sim.close();
  });

  it('bullet-public points at the simulator and the socket says welcome, pongs and acks', async () => {
    const bullet = await c.data<{ token: string; instanceServers: Array<Record<string, unknown>> }>(
      'POST',
      '/api/v1/bullet-public',
      undefined,
      false,
    );
    expect(bullet.token).to.be.a('string').and.not.equal('');
    expect(bullet.instanceServers[0]).to.include({
      endpoint: `ws://127.0.0.1:${sim.port}/endpoint`,
      protocol: 'websocket',
      encrypt: false,
    });
    expect(bullet.instanceServers[0]!['pingInterval']).to.be.a('number');
    const inbox = await connect(c, 'public');
    sockets.push(inbox.ws);
    expect(inbox.all[0]).to.deep.equal({ id: 'c-public', type: 'welcome' });
    inbox.send({ id: 'p1', type: 'ping' });
    expect(await inbox.next((m) => m['id'] === 'p1')).to.include({ type: 'pong' });
    inbox.send({ id: 's1', type: 'subscribe', topic: '/contractMarket/tickerV2:XBTUSDTM', response: true });
    expect(await inbox.next((m) => m['id'] === 's1')).to.deep.equal({ id: 's1', type: 'ack' });
  });

  it('pushes tickerV2 and ticker updates that match the REST ticker, and again when the price moves', async () => {
    const inbox = await connect(c, 'public');
    sockets.push(inbox.ws);
    inbox.send({ id: 's1', type: 'subscribe', topic: '/contractMarket/tickerV2:XBTUSDTM,ETHUSDTM', response: true });
    inbox.send({ id: 's2', type: 'subscribe', topic: '/contractMarket/ticker:XBTUSDTM', response: true });
    const v2 = await inbox.next((m) => m['topic'] === '/contractMarket/tickerV2:XBTUSDTM');
    expect(v2).to.include({ type: 'message', subject: 'tickerV2' });
    const rest = await c.data<Msg>('GET', '/api/v1/ticker?symbol=XBTUSDTM', undefined, false);
    const data = v2['data'] as Msg;
    expect(data).to.include({
      symbol: 'XBTUSDTM',
      bestBidPrice: rest['bestBidPrice'],
      bestAskPrice: rest['bestAskPrice'],
      ts: rest['ts'],
    });
    await inbox.next((m) => m['topic'] === '/contractMarket/tickerV2:ETHUSDTM');
    const v1 = await inbox.next((m) => m['topic'] === '/contractMarket/ticker:XBTUSDTM');
    expect(v1['data']).to.include({ price: rest['price'], symbol: 'XBTUSDTM' });
    const count = inbox.all.filter((m) => m['topic'] === '/contractMarket/tickerV2:XBTUSDTM').length;
    sim.market.pin('XBTUSDTM', 70_000);
    const moved = await inbox.next(
      (m) => m['topic'] === '/contractMarket/tickerV2:XBTUSDTM' && Number((m['data'] as Msg)['bestAskPrice']) > 69_000,
    );
    expect(moved).to.have.property('data');
    expect(inbox.all.filter((m) => m['topic'] === '/contractMarket/tickerV2:XBTUSDTM').length).to.be.greaterThan(count);
  });

  it('refuses private topics on a public token and unknown tokens', async () => {
    const inbox = await connect(c, 'public');
    sockets.push(inbox.ws);
    inbox.send({
      id: 'x',
      type: 'subscribe',
      topic: '/contractMarket/tradeOrders',
      privateChannel: true,
      response: true,
    });
    expect(await inbox.next((m) => m['id'] === 'x')).to.include({ type: 'error', code: 401 });
    const bad = new WebSocket(`${sim.wsUrl}?token=nope&connectId=z`);
    sockets.push(bad);
    const badInbox = new Inbox(bad);
    expect(await badInbox.next(() => true)).to.include({ type: 'error', code: 401 });
  });

  it('pushes order changes and position changes on the private channel', async () => {
    const inbox = await connect(c, 'private');
    sockets.push(inbox.ws);
    inbox.send({
      id: 'o',
      type: 'subscribe',
      topic: '/contractMarket/tradeOrders',
      privateChannel: true,
      response: true,
    });
    inbox.send({
      id: 'p',
      type: 'subscribe',
      topic: '/contract/position:XBTUSDTM',
      privateChannel: true,
      response: true,
    });
    await inbox.next((m) => m['id'] === 'o');
    await inbox.next((m) => m['id'] === 'p');
    const placed = await c.data<Msg>('POST', '/api/v1/orders', {
      clientOid: 'ws-1',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'market',
      size: 2,
      leverage: 5,
    });
    const match = await inbox.next((m) => m['subject'] === 'orderChange' && (m['data'] as Msg)['type'] === 'match');
    expect(match).to.include({ topic: '/contractMarket/tradeOrders', channelType: 'private' });
    expect(match['data']).to.include({
      orderId: placed['orderId'],
      clientOid: 'ws-1',
      side: 'buy',
      symbol: 'XBTUSDTM',
      matchSize: '2',
    });
    const filled = await inbox.next((m) => m['subject'] === 'orderChange' && (m['data'] as Msg)['type'] === 'filled');
    expect(filled['data']).to.include({ status: 'done', filledSize: '2', remainSize: '0' });
    const pos = await inbox.next((m) => m['subject'] === 'position.change');
    expect(pos).to.include({ topic: '/contract/position:XBTUSDTM' });
    expect(pos['data']).to.include({ symbol: 'XBTUSDTM', currentQty: 2, isOpen: true, changeReason: 'positionChange' });
    // Resting then cancelled: open, then canceled.
    const rest = await c.data<Msg>('POST', '/api/v1/orders', {
      clientOid: 'ws-2',
      symbol: 'XBTUSDTM',
      side: 'buy',
      type: 'limit',
      price: '1000',
      size: 1,
      leverage: 5,
    });
    await inbox.next(
      (m) => (m['data'] as Msg | undefined)?.['orderId'] === rest['orderId'] && (m['data'] as Msg)['type'] === 'open',
    );
    await c.data('DELETE', `/api/v1/orders/${String(rest['orderId'])}`);
    const canceled = await inbox.next(
      (m) =>
        (m['data'] as Msg | undefined)?.['orderId'] === rest['orderId'] && (m['data'] as Msg)['type'] === 'canceled',
    );
    expect(canceled['data']).to.include({ status: 'done', canceledSize: '1' });
  });
});
