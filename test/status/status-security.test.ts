// The status server's central guard (issue 11): Host allow-list (DNS rebinding) on every path and
// method including the /ws upgrade, liveness-only /health without the token, and no token-less
// server off loopback. Real server on an ephemeral loopback port; Host headers set by hand, as a
// rebinding page's browser would send them.
import { expect } from 'chai';
import { request } from 'node:http';
import { HostAllowList, hostName } from '../../src/status/host-allow-list.js';
import { fetchHealth } from '../../src/status/status-client.js';
import { StatusServer, type StatusServerOptions } from '../../src/status/status-server.js';
import { FakeStatusSource } from './fake-status-source.js';
import { httpGet, wsUrl, WsProbe } from './http-helpers.js';

const TOKEN = 'tok-3f9a';

/** The raw upgrade answer's status line (ws would hide a 421 behind a generic error). */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      agent: false,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('StatusServer security guard', () => {
  let servers: StatusServer[] = [];
  let probes: WsProbe[] = [];

  async function start(options: Partial<StatusServerOptions> = {}, source = new FakeStatusSource()): Promise<string> {
    const server = new StatusServer({ source, port: 0, refreshIntervalMs: 0, onError: () => undefined, ...options });
    servers.push(server);
    return server.start();
  }

  afterEach(async () => {
    for (const p of probes) p.close();
    probes = [];
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });

  describe('Host allow-list', () => {
    it('answers 421 to a foreign Host on every path and method, even with the right token', async () => {
      const url = await start({ token: TOKEN });
      const evil = { Host: 'evil.example:8787', Authorization: `Bearer ${TOKEN}` };
      for (const path of ['health', 'metrics', '', 'ws', 'no-such-endpoint', 'api/control/pause']) {
        expect((await httpGet(`${url}${path}`, evil)).status, `GET /${path}`).to.equal(421);
        expect((await httpGet(`${url}${path}`, evil, false, 'POST')).status, `POST /${path}`).to.equal(421);
      }
      const body = JSON.parse((await httpGet(`${url}health`, evil)).body) as { error: string };
      expect(body.error).to.include('STATUS_ALLOWED_HOSTS');
      expect(body).not.to.have.property('overall_health');
    });

    it('answers 421 to a WebSocket upgrade with a foreign Host, before the token or Origin check', async () => {
      const url = await start({ token: TOKEN });
      expect(await upgradeStatus(`${url}ws?token=${TOKEN}`, { Host: 'rebind.attacker.test' })).to.equal(421);
      expect(
        await upgradeStatus(`${url}ws?token=${TOKEN}`, {
          Host: 'rebind.attacker.test',
          Origin: 'http://rebind.attacker.test',
        }),
      ).to.equal(421);
      // The same upgrade with our own name gets through.
      const ok = await WsProbe.open(wsUrl(url, `?token=${TOKEN}`));
      probes.push(ok);
      await ok.waitFor((m) => m.type === 'report');
    });

    it('serves the loopback names, the bind host and STATUS_ALLOWED_HOSTS names', async () => {
      const url = await start({ allowedHosts: ['bot.lan', 'Status.Example.COM'] });
      const port = new URL(url).port;
      for (const host of [
        `127.0.0.1:${port}`,
        `localhost:${port}`,
        `[::1]:${port}`,
        'LOCALHOST',
        `bot.lan:${port}`,
        'status.example.com',
      ]) {
        expect((await httpGet(`${url}health`, { Host: host })).status, host).to.equal(200);
      }
      for (const host of ['bot.lan.evil.example', 'example.com', '10.0.0.5']) {
        expect((await httpGet(`${url}health`, { Host: host })).status, JSON.stringify(host)).to.equal(421);
      }
    });

    it('parses Host headers strictly (ports, IPv6 brackets, junk)', () => {
      expect(hostName('Example.COM:8080')).to.equal('example.com');
      expect(hostName('[::1]:8787')).to.equal('::1');
      expect(hostName('localhost.')).to.equal('localhost');
      expect(hostName('a.example:notaport')).to.equal(null);
      expect(hostName('[::1]junk')).to.equal(null);
      const list = new HostAllowList('0.0.0.0', ['ops.example']);
      expect(list.allows('0.0.0.0')).to.equal(false);
      expect(list.allows('ops.example:443')).to.equal(true);
      expect(list.allows('127.0.0.2')).to.equal(true);
      expect(list.allows(undefined)).to.equal(false);
      expect(list.allows('')).to.equal(false);
    });
  });

  describe('cross-site requests', () => {
    it("refuses a state-changing request from another site's page (403) on every path, even without a token", async () => {
      const url = await start();
      const self = new URL(url).host;
      for (const path of ['health', 'api/control/pause', 'anything']) {
        const foreign: Array<Record<string, string>> = [
          { Origin: 'http://evil.example' },
          { Origin: 'null' },
          { Origin: `http://${self}`, 'Sec-Fetch-Site': 'cross-site' },
        ];
        for (const headers of foreign) {
          expect(
            (await httpGet(`${url}${path}`, headers, false, 'POST')).status,
            `${path} ${JSON.stringify(headers)}`,
          ).to.equal(403);
        }
        // Our own page and non-browser clients get past the guard (to the route's own answer).
        expect(
          (await httpGet(`${url}${path}`, { Origin: `http://${self}`, 'Sec-Fetch-Site': 'same-origin' }, false, 'POST'))
            .status,
        ).not.to.equal(403);
        expect((await httpGet(`${url}${path}`, {}, false, 'POST')).status).not.to.equal(403);
      }
      // Reads stay readable only by the same origin anyway (no CORS headers): GET is not refused.
      expect((await httpGet(`${url}health`, { Origin: 'http://evil.example' })).status).to.equal(200);
    });
  });

  describe('/health behind the token', () => {
    it('answers only the liveness verdict without the token, the full report with it', async () => {
      const source = new FakeStatusSource('HEALTHY');
      const url = await start({ token: TOKEN }, source);
      const anonymous = await httpGet(`${url}health`);
      expect(anonymous.status).to.equal(200);
      expect(JSON.parse(anonymous.body)).to.deep.equal({ overall_health: { status: 'HEALTHY' } });
      expect(anonymous.body).not.to.match(/equity|total_pnl|recent_errors|socket hang up/);
      const withWrong = await httpGet(`${url}health`, { Authorization: 'Bearer nope' });
      expect(JSON.parse(withWrong.body)).to.deep.equal({ overall_health: { status: 'HEALTHY' } });
      const full = JSON.parse((await httpGet(`${url}health`, { Authorization: `Bearer ${TOKEN}` })).body) as Record<
        string,
        unknown
      >;
      expect(full).to.have.property('positions');
      expect(full).to.have.property('alerts');
      expect(JSON.parse((await httpGet(`${url}health?token=${TOKEN}`)).body)).to.have.property('recent_errors');
    });

    it('keeps 503 for an unhealthy bot in the anonymous answer (probes still work)', async () => {
      const source = new FakeStatusSource('UNHEALTHY');
      const url = await start({ token: TOKEN }, source);
      const anonymous = await httpGet(`${url}health`);
      expect(anonymous.status).to.equal(503);
      expect(JSON.parse(anonymous.body)).to.deep.equal({ overall_health: { status: 'UNHEALTHY' } });
      source.setStatus('DEGRADED');
      expect((await httpGet(`${url}health`)).status).to.equal(200);
    });

    it('tells `npm run status` without the token that the full report needs STATUS_TOKEN', async () => {
      const url = await start({ token: TOKEN });
      const anonymous = await fetchHealth({ baseUrl: url });
      expect(anonymous.kind).to.equal('unreachable');
      expect(anonymous.kind === 'unreachable' && anonymous.reason).to.include('STATUS_TOKEN');
      expect((await fetchHealth({ baseUrl: url, token: TOKEN })).kind).to.equal('report');
    });

    it('needs the token for /metrics, the page, unknown paths and POSTs', async () => {
      const url = await start({ token: TOKEN });
      for (const [path, method] of [
        ['metrics', 'GET'],
        ['', 'GET'],
        ['anything', 'GET'],
        ['api/control/pause', 'POST'],
      ] as const) {
        expect((await httpGet(`${url}${path}`, {}, false, method)).status, `${method} /${path}`).to.equal(401);
      }
    });
  });

  describe('binding off loopback', () => {
    it('refuses a non-loopback host without a token, naming host and token', () => {
      const source = new FakeStatusSource();
      for (const host of ['0.0.0.0', '::', '192.168.1.10', 'bot.lan']) {
        expect(() => new StatusServer({ source, host }), host).to.throw(RangeError, /"host".*"token"/);
      }
      expect(() => new StatusServer({ source, host: '0.0.0.0', token: TOKEN })).not.to.throw();
      expect(() => new StatusServer({ source, host: 'localhost' })).not.to.throw();
    });
  });
});
