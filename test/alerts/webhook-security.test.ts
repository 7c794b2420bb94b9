// Alert webhooks (issue 11): a redirect is a failed delivery (the redirect target receives nothing),
// credentials in the URL go out as Basic auth, plain http to another machine is refused unless
// ALERT_WEBHOOK_INSECURE=1, and failed deliveries reach /health, /metrics and the dashboard's report.
// Real loopback receivers, the real global fetch, the real status server.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebhookSender, type WebhookFailure } from '../../src/alerts/webhook-sender.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Logger } from '../../src/log/logger.js';
import { Store } from '../../src/store/index.js';
import type { WorkerSupervisor } from '../../src/supervision/worker-supervisor.js';
import { formatReport, startObservability, type Observability } from '../../supervisor/observability.js';
import { waitUntil } from '../support/wait-until.js';
import { httpGet } from '../status/http-helpers.js';

interface Hit {
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

/** A loopback server answering every request with `answer(req)`; records what it received. */
class Receiver {
  readonly hits: Hit[] = [];
  private readonly server: http.Server;

  private constructor(answer: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string> }) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.hits.push({
          url: req.url ?? '',
          authorization: req.headers.authorization,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const { status, headers } = answer(req);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end('{}');
      });
    });
  }

  static async start(
    answer: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string> },
  ): Promise<Receiver> {
    const r = new Receiver(answer);
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    return r;
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const noop = (): void => undefined;
const quietLogger = { info: noop, warn: noop, error: noop, debug: noop } as unknown as Logger;
const NO_RETRY_WAIT = { baseDelay: 1, maxDelay: 1, maxRetries: 3, factor: 1, jitter: 0 };

describe('alert webhook security', () => {
  let cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups = [];
  });
  async function receiver(
    answer: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string> },
  ): Promise<Receiver> {
    const r = await Receiver.start(answer);
    cleanups.push(() => r.close());
    return r;
  }
  function sender(url: string, failures: WebhookFailure[], allowInsecure = false): WebhookSender {
    const s = new WebhookSender({ url, retry: NO_RETRY_WAIT, onFailure: (f) => failures.push(f), allowInsecure });
    cleanups.push(() => s.close());
    return s;
  }

  it('does not follow a 307: the second port receives nothing and the failure names the Location', async () => {
    const second = await receiver(() => ({ status: 200 }));
    const first = await receiver(() => ({ status: 307, headers: { location: `${second.base}/stolen?token=abc` } }));
    const failures: WebhookFailure[] = [];
    const s = sender(`${first.base}/hook`, failures);
    s.enqueue('{"text":"stall"}');
    expect(await s.flush(10_000)).to.equal(true);
    expect(first.hits).to.have.length(1); // a redirect is not retried either
    expect(second.hits).to.have.length(0);
    expect(failures).to.have.length(1);
    expect(failures[0]!.error).to.include('307').and.include(`${second.base}/stolen`);
    expect(failures[0]!.error).not.to.include('token=abc');
    expect(s.stats).to.include({ delivered: 0, failed: 1 });
  });

  it('sends user:password from the URL as Basic auth to a receiver that requires it', async () => {
    const expected = `Basic ${Buffer.from('alerts:p@ss:word', 'utf8').toString('base64')}`;
    const guarded = await receiver((req) =>
      req.headers.authorization === expected ? { status: 204 } : { status: 401 },
    );
    const failures: WebhookFailure[] = [];
    const url = `${guarded.base.replace('http://', 'http://alerts:p%40ss%3Aword@')}/hook`;
    const s = sender(url, failures);
    s.enqueue('{"text":"kill switch"}');
    expect(await s.flush(10_000)).to.equal(true);
    expect(failures, JSON.stringify(failures)).to.deep.equal([]);
    expect(s.stats.delivered).to.equal(1);
    expect(guarded.hits).to.have.length(1);
    expect(guarded.hits[0]).to.include({ url: '/hook', authorization: expected });
    // The target shown in logs never carries the credentials.
    expect(s.target).to.equal(guarded.base);
  });

  it('refuses plain http to another machine unless ALERT_WEBHOOK_INSECURE=1', () => {
    expect(() => new WebhookSender({ url: 'http://hooks.example/alert' })).to.throw(
      TypeError,
      /ALERT_WEBHOOK_INSECURE=1/,
    );
    new WebhookSender({ url: 'http://hooks.example/alert', allowInsecure: true }).close();
    new WebhookSender({ url: 'https://hooks.example/alert' }).close();
    new WebhookSender({ url: 'http://localhost:9/alert' }).close();
    let error: unknown;
    try {
      loadConfig({ ALERT_WEBHOOK_URL: 'http://u:secretpw@hooks.example/alert' }, { dotenvPath: false });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).message)
      .to.include('ALERT_WEBHOOK_URL')
      .and.include('ALERT_WEBHOOK_INSECURE=1');
    expect((error as Error).message).not.to.include('secretpw');
    expect(
      loadConfig(
        { ALERT_WEBHOOK_URL: 'http://hooks.example/alert', ALERT_WEBHOOK_INSECURE: '1' },
        { dotenvPath: false },
      ).alertWebhookInsecure,
    ).to.equal('1');
  });

  it('counts a failed delivery in /health (alerts.*) and /metrics through the supervisor wiring', async () => {
    const second = await receiver(() => ({ status: 200 }));
    const first = await receiver(() => ({ status: 307, headers: { location: `${second.base}/elsewhere` } }));
    const dir = mkdtempSync(path.join(tmpdir(), 'webhook-obs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = Store.open({ path: path.join(dir, 'bot.sqlite') });
    cleanups.push(() => store.close());
    const stallListeners: Array<(e: unknown) => void> = [];
    const on = (listeners?: Array<(e: unknown) => void>) => (listener: (e: unknown) => void) => {
      listeners?.push(listener);
      return { dispose: noop };
    };
    const supervisor = {
      onHeartbeat: on(),
      onMetrics: on(),
      onWorkerError: on(),
      onStall: on(stallListeners),
      onRestart: on(),
      onEscalate: on(),
      onTrade: on(),
      onAccountScope: on(),
    } as unknown as WorkerSupervisor;
    const token = 'obs-token';
    const config = loadConfig(
      {
        STATUS_PORT: '0',
        STATUS_TOKEN: token,
        ALERT_WEBHOOK_URL: `${first.base}/hook`,
        HEALTH_REPORT_INTERVAL: '86400',
      },
      { dotenvPath: false },
    );
    const obs: Observability = await startObservability({
      config,
      supervisor,
      logger: quietLogger,
      secrets: [token],
      store,
      print: noop,
    });
    cleanups.push(async () => void (await obs.close()));

    for (const l of stallListeners)
      l({ worker: 'scanner', verdict: { kind: 'no-heartbeat', silentMs: 3100 }, evidence: {} });
    await waitUntil(
      'the failed delivery is counted',
      () => (obs.monitor.getReport().alerts.delivery_failures === 1 ? true : undefined),
      {
        timeoutMs: 10_000,
        intervalMs: 20,
      },
    );
    const auth = { Authorization: `Bearer ${token}` };
    const health = JSON.parse((await httpGet(`${obs.statusUrl}health`, auth)).body) as {
      alerts: { delivery_failures: number; last_delivery_error: string };
    };
    expect(health.alerts.delivery_failures).to.equal(1);
    expect(health.alerts.last_delivery_error).to.include('307').and.include(`${second.base}/elsewhere`);
    const metrics = (await httpGet(`${obs.statusUrl}metrics`, auth)).body;
    expect(metrics).to.match(/^kucoin_bot_alert_delivery_failures_total 1$/m);
    expect(formatReport(obs.monitor.getReport())).to.include('Alert webhook: 1 alert(s) not delivered');
    expect(second.hits).to.have.length(0);
  });
});
