import { expect } from 'chai';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { WebSocket } from 'ws';
import { HEALTH_REPORT_KEYS } from '../../src/health/health-report.js';
import { healthMonitorSource } from '../../src/status/health-monitor-source.js';
import { StatusServer, type StatusServerOptions } from '../../src/status/status-server.js';
import { evaluate, tickedHealthMonitor } from '../support/ticked-health-monitor.js';
import { FakeStatusSource } from './fake-status-source.js';
import { WsProbe, httpGet, wsUrl } from './http-helpers.js';
import { waitUntil } from '../support/wait-until.js';
import { tcpHandles } from '../support/tcp-handles.js';

describe('StatusServer', () => {
  let servers: StatusServer[] = [];
  let probes: WsProbe[] = [];

  async function startServer(
    options: Partial<StatusServerOptions> & { source: StatusServerOptions['source'] },
  ): Promise<{ server: StatusServer; url: string }> {
    const server = new StatusServer({ port: 0, refreshIntervalMs: 0, onError: () => undefined, ...options });
    servers.push(server);
    const url = await server.start();
    return { server, url };
  }

  async function probe(url: string, headers: Record<string, string> = {}): Promise<WsProbe> {
    const p = await WsProbe.open(url, headers);
    probes.push(p);
    return p;
  }

  afterEach(async () => {
    for (const p of probes) p.close();
    probes = [];
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  describe('GET /health', () => {
    it('answers 200 with exactly the report keys when healthy', async () => {
      const { url } = await startServer({ source: new FakeStatusSource('HEALTHY') });
      const res = await httpGet(`${url}health`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/json/);
      const body = JSON.parse(res.body) as Record<string, unknown>;
      expect(Object.keys(body)).to.have.members([...HEALTH_REPORT_KEYS]);
      expect(Object.keys(body)).to.have.length(HEALTH_REPORT_KEYS.length);
      expect(body.api).to.include({ total_calls: 120, successful_calls: 110, failed_calls: 10, rate_limited_calls: 4 });
    });

    it('answers 503 when the verdict is UNHEALTHY and 200 when only DEGRADED', async () => {
      const source = new FakeStatusSource('UNHEALTHY');
      const { url } = await startServer({ source });
      const bad = await httpGet(`${url}health`);
      expect(bad.status).to.equal(503);
      expect((JSON.parse(bad.body) as { overall_health: { status: string } }).overall_health.status).to.equal(
        'UNHEALTHY',
      );
      source.setStatus('DEGRADED');
      expect((await httpGet(`${url}health`)).status).to.equal(200);
    });

    it('answers 500 (and keeps serving) when the source throws', async () => {
      const source = new FakeStatusSource();
      const errors: unknown[] = [];
      const { url } = await startServer({ source, onError: (e) => errors.push(e) });
      const original = source.getReport.bind(source);
      source.getReport = () => {
        throw new Error('boom');
      };
      expect((await httpGet(`${url}health`)).status).to.equal(500);
      expect(errors).to.have.length(1);
      source.getReport = original;
      expect((await httpGet(`${url}health`)).status).to.equal(200);
    });
  });

  describe('routing', () => {
    it('answers 404 for unknown paths, 405 for other methods, 426 for /ws without upgrade', async () => {
      const { url } = await startServer({ source: new FakeStatusSource() });
      expect((await httpGet(`${url}nope`)).status).to.equal(404);
      const post = await httpGet(`${url}health`, {}, false, 'POST');
      expect(post.status).to.equal(405);
      expect(post.headers.allow).to.equal('GET, HEAD');
      expect((await httpGet(`${url}ws`)).status).to.equal(426);
    });

    it('serves a self-contained dashboard page with a nonce CSP and no external resources', async () => {
      const { url } = await startServer({ source: new FakeStatusSource(), title: 'Test <Bot>' });
      const res = await httpGet(url);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce, csp).to.be.a('string');
      expect(res.body).to.include(`<script nonce="${nonce as string}" type="module">`); // built from src/status/browser/
      expect(res.body).to.include('Test &lt;Bot&gt;');
      expect(res.body).not.to.match(/(src|href)="(https?:)?\/\//);
      expect(res.body).not.to.match(/@import|url\(http/);
      const again = await httpGet(url);
      expect(String(again.headers['content-security-policy'])).not.to.include(nonce as string);
    });
  });

  describe('bearer token', () => {
    const token = 's3cret-token';

    it('requires the token for everything but /health', async () => {
      const { url } = await startServer({ source: new FakeStatusSource(), token });
      for (const path of ['', 'metrics', 'nope']) {
        const res = await httpGet(`${url}${path}`);
        expect(res.status, path).to.equal(401);
        expect(res.headers['www-authenticate']).to.match(/^Bearer/);
      }
      expect((await httpGet(`${url}metrics`, { Authorization: 'Bearer wrong' })).status).to.equal(401);
      expect((await httpGet(`${url}metrics`, { Authorization: `Basic ${token}` })).status).to.equal(401);
      expect((await httpGet(`${url}metrics?token=${token}x`)).status).to.equal(401);
      expect((await httpGet(`${url}metrics`, { Authorization: `Bearer ${token}` })).status).to.equal(200);
      expect((await httpGet(`${url}?token=${token}`)).status).to.equal(200);
      expect((await httpGet(`${url}health`)).status).to.equal(200);
      expect((await httpGet(`${url}nope`, { Authorization: `Bearer ${token}` })).status).to.equal(404);
    });

    it('refuses a WebSocket without the token and accepts it by header or query', async () => {
      const { url } = await startServer({ source: new FakeStatusSource(), token });
      let refused: unknown;
      try {
        await probe(wsUrl(url));
      } catch (error) {
        refused = error;
      }
      expect(String(refused)).to.include('401');
      const byQuery = await probe(wsUrl(url, `?token=${token}`));
      await byQuery.waitFor((m) => m.type === 'report');
      const byHeader = await probe(wsUrl(url), { Authorization: `Bearer ${token}` });
      await byHeader.waitFor((m) => m.type === 'report');
    });

    it('refuses a WebSocket from a foreign Origin even without a token', async () => {
      const { url } = await startServer({ source: new FakeStatusSource() });
      let refused: unknown;
      try {
        await probe(wsUrl(url), { Origin: 'http://evil.example' });
      } catch (error) {
        refused = error;
      }
      expect(String(refused)).to.include('403');
      const sameOrigin = await probe(wsUrl(url), { Origin: url.replace(/\/$/, '') });
      await sameOrigin.waitFor((m) => m.type === 'report');
    });
  });

  describe('/ws live feed', () => {
    it('pushes the report on connect, an update after a change, and published events', async () => {
      const source = new FakeStatusSource();
      source.positions = [
        {
          symbol: 'XBTUSDTM',
          side: 'long',
          size: 2,
          entry_price: 60000,
          mark_price: 60100,
          leverage: 5,
          unrealised_pnl: 2,
          opened_at: '2025-01-01T00:30:00.000Z',
        },
      ];
      source.equity = [
        { t: 1, equity: 1000 },
        { t: 2, equity: 1012.5 },
      ];
      const { server, url } = await startServer({ source, pushIntervalMs: 50 });
      const p = await probe(wsUrl(url));
      const first = await p.waitFor((m) => m.type === 'report');
      expect(Object.keys(first.report as object)).to.have.members([...HEALTH_REPORT_KEYS]);
      expect(first.positions).to.deep.equal(source.positions);
      expect(first.equity).to.deep.equal(source.equity);

      const seen = p.messages.length;
      source.report.positions.open = 7;
      source.emitChange();
      const update = await p.waitFor((m) => m.type === 'report', seen);
      expect((update.report as { positions: { open: number } }).positions.open).to.equal(7);

      const event = server.publishEvent({
        kind: 'restart',
        message: 'scanner restarted (stalled)',
        severity: 'warning',
      });
      expect(event.time).to.match(/^\d{4}-\d\d-\d\dT/);
      const pushed = await p.waitFor((m) => m.type === 'event');
      expect(pushed.event).to.deep.equal(event);
    });

    it('replays recent events to a page that connects later', async () => {
      const { server, url } = await startServer({ source: new FakeStatusSource(), eventHistory: 2 });
      server.publishEvent({ kind: 'trade', message: 'one' });
      server.publishEvent({ kind: 'trade', message: 'two' });
      server.publishEvent({ kind: 'alert', message: 'three', severity: 'critical' });
      const p = await probe(wsUrl(url));
      await p.waitFor((m) => m.type === 'event' && (m.event as { message: string }).message === 'three');
      const messages = p.messages
        .filter((m) => m.type === 'event')
        .map((m) => (m.event as { message: string }).message);
      expect(messages).to.deep.equal(['two', 'three']);
    });

    it('rejects a malformed event with an error naming the field', async () => {
      const { server } = await startServer({ source: new FakeStatusSource() });
      expect(() => server.publishEvent({ kind: '', message: 'x' })).to.throw(TypeError, /"kind"/);
      expect(() => server.publishEvent({ kind: 'a', message: 'x', severity: 'fatal' as 'info' })).to.throw(
        TypeError,
        /"severity"/,
      );
      expect(() => server.publishEvent({ kind: 'a', message: 'x', time: 'yesterday' })).to.throw(TypeError, /"time"/);
    });

    it('throttles a burst of changes to a leading and a trailing push that carries the last state', async () => {
      const source = new FakeStatusSource();
      const { url } = await startServer({ source, pushIntervalMs: 300 });
      const p = await probe(wsUrl(url));
      await p.waitFor((m) => m.type === 'report');
      const before = p.messages.length;
      for (let i = 1; i <= 20; i += 1) {
        source.report.performance.scans_completed = 1000 + i;
        source.emitChange();
      }
      const last = await p.waitFor(
        (m) =>
          m.type === 'report' &&
          (m.report as { performance: { scans_completed: number } }).performance.scans_completed === 1020,
        before,
      );
      // The socket keeps order: an unthrottled implementation's push per change would all have
      // arrived by the time the push showing the 20th change did.
      const pushes = p.messages.slice(before, p.messages.indexOf(last) + 1).filter((m) => m.type === 'report');
      expect(pushes.length).to.be.within(1, 2);
    });

    it('refreshes on a timer even without change events (ages keep moving)', async () => {
      const source = new FakeStatusSource();
      const { url } = await startServer({ source, refreshIntervalMs: 100 });
      const p = await probe(wsUrl(url));
      await p.waitFor((m) => m.type === 'report');
      await p.waitFor((m) => m.type === 'report', 1);
    });

    it('drops a client that stops answering pings', async () => {
      const { server, url } = await startServer({ source: new FakeStatusSource(), pingIntervalMs: 50 });
      const answering = await probe(wsUrl(url));
      const silent = new WebSocket(wsUrl(url), { autoPong: false });
      const silentClosed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        silent.once('open', () => resolve());
        silent.once('error', reject);
      });
      await silentClosed;
      // The server side leaves its client set on its own 'close' event, a moment after ours.
      await waitUntil('the server to drop the silent client', () => server.liveClientCount === 1, {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      expect(answering.ws.readyState).to.equal(WebSocket.OPEN);
    });

    it('streams a real HealthMonitor through healthMonitorSource', async () => {
      const monitor = tickedHealthMonitor({ threads: ['scanner'] });
      const { url } = await startServer({ source: healthMonitorSource(monitor), pushIntervalMs: 20 });
      monitor.recordApiCall({ ok: true, rateLimited: false, durationMs: 12, endpoint: 'positions' });
      const health = JSON.parse((await httpGet(`${url}health`)).body) as {
        api: { total_calls: number };
        threads: Record<string, unknown>;
      };
      expect(health.api.total_calls).to.equal(1);
      expect(Object.keys(health.threads)).to.deep.equal(['scanner']);
      const p = await probe(wsUrl(url));
      await p.waitFor((m) => m.type === 'report');
      const seen = p.messages.length;
      monitor.setEquity(1234.5);
      evaluate(monitor);
      const update = await p.waitFor((m) => m.type === 'report', seen);
      expect((update.report as { positions: { equity: number } }).positions.equity).to.equal(1234.5);
      expect((update.equity as Array<{ equity: number }>).map((e) => e.equity)).to.deep.equal([1234.5]);
      monitor.dispose();
    });
  });

  describe('lifecycle', () => {
    it('close() destroys keep-alive and WebSocket connections and unsubscribes from the source', async () => {
      const baseline = tcpHandles();
      const source = new FakeStatusSource();
      const { server, url } = await startServer({ source, refreshIntervalMs: 1000 });
      const agent = new Agent({ keepAlive: true });
      expect((await httpGet(`${url}health`, {}, agent)).status).to.equal(200);
      const p = await probe(wsUrl(url));
      await p.waitFor((m) => m.type === 'report');
      const wsClosed = new Promise<number>((resolve) => p.ws.once('close', (code) => resolve(code)));
      expect(server.connectionCount).to.be.at.least(2);
      expect(server.liveClientCount).to.equal(1);
      expect(source.listenerCount).to.equal(1);
      await server.close();
      expect(server.connectionCount).to.equal(0);
      expect(server.liveClientCount).to.equal(0);
      expect(server.url).to.equal(null);
      expect(source.listenerCount).to.equal(0);
      await wsClosed;
      expect(p.ws.readyState).to.equal(WebSocket.CLOSED);
      agent.destroy();
      await server.close(); // idempotent
      // Client-side sockets close a tick after the server's; then nothing of ours is left open.
      await waitUntil('every socket of ours to close', () => tcpHandles() <= baseline, {
        timeoutMs: 5_000,
        intervalMs: 10,
      });
      expect(tcpHandles()).to.equal(baseline);
    });

    it('start() resolves to the bound URL, refuses a second start, and rejects on a busy port', async () => {
      const { server, url } = await startServer({ source: new FakeStatusSource() });
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(server.url).to.equal(url);
      let second: unknown;
      await server.start().catch((e: unknown) => (second = e));
      expect(String(second)).to.include('start() called while listening');

      const port = Number(new URL(url).port);
      const other = new StatusServer({ source: new FakeStatusSource(), port });
      servers.push(other);
      let busy: unknown;
      await other.start().catch((e: unknown) => (busy = e));
      expect((busy as NodeJS.ErrnoException).code).to.equal('EADDRINUSE');
    });

    it('validates its options with errors that name the field', () => {
      const source = new FakeStatusSource();
      expect(() => new StatusServer({} as StatusServerOptions)).to.throw(TypeError, /"source"/);
      expect(
        () => new StatusServer({ source: { getReport: () => source.getReport() } as unknown as FakeStatusSource }),
      ).to.throw(/onChange/);
      expect(() => new StatusServer({ source, port: 70_000 })).to.throw(RangeError, /"port"/);
      expect(() => new StatusServer({ source, port: 1.5 })).to.throw(RangeError, /"port"/);
      expect(() => new StatusServer({ source, host: '' })).to.throw(RangeError, /"host"/);
      expect(() => new StatusServer({ source, token: 'a b' })).to.throw(RangeError, /"token"/);
      expect(() => new StatusServer({ source, pushIntervalMs: -1 })).to.throw(RangeError, /"pushIntervalMs"/);
      expect(() => new StatusServer({ source, eventHistory: 1.5 })).to.throw(RangeError, /"eventHistory"/);
      expect(() => new StatusServer({ source, metrics: { prefix: 'bad-prefix' } })).to.throw(RangeError, /"prefix"/);
    });
  });

  it('uses a free ephemeral port when asked for 0 (two instances side by side)', async () => {
    const a = await startServer({ source: new FakeStatusSource() });
    const b = await startServer({ source: new FakeStatusSource() });
    expect(a.url).not.to.equal(b.url);
    // Sanity: the chosen port is really bound.
    const port = Number(new URL(a.url).port);
    const probeServer = createServer();
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      probeServer.once('error', resolve);
      probeServer.listen(port, '127.0.0.1', () => resolve(null));
    });
    probeServer.close();
    expect(err?.code).to.equal('EADDRINUSE');
  });
});
