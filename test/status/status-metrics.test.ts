import { expect } from 'chai';
import { StatusMetrics } from '../../src/status/status-metrics.js';
import { StatusServer } from '../../src/status/status-server.js';
import { FakeStatusSource, sampleReport, thread } from './fake-status-source.js';
import { httpGet } from './http-helpers.js';
import { type MetricFamily, parsePrometheusText, sampleValue } from './prometheus-text.js';

const P = 'kucoin_bot_';

describe('status metrics (Prometheus text)', () => {
  let server: StatusServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function scrape(
    source: FakeStatusSource,
    setup?: (s: StatusServer) => void,
    token = '',
  ): Promise<{ text: string; contentType: string }> {
    server = new StatusServer({ source, port: 0, token, refreshIntervalMs: 0 });
    setup?.(server);
    const url = await server.start();
    const res = await httpGet(`${url}metrics`, token === '' ? {} : { Authorization: `Bearer ${token}` });
    expect(res.status).to.equal(200);
    return { text: res.body, contentType: String(res.headers['content-type']) };
  }

  it('serves every metric with HELP and TYPE lines and the expected types', async () => {
    const { text, contentType } = await scrape(new FakeStatusSource());
    expect(contentType).to.match(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(text);
    const expected: Record<string, string> = {
      api_calls_total: 'counter',
      positions_opened_total: 'counter',
      positions_closed_total: 'counter',
      scans_total: 'counter',
      scan_errors_total: 'counter',
      position_updates_total: 'counter',
      position_update_errors_total: 'counter',
      thread_restarts_total: 'counter',
      open_positions: 'gauge',
      equity: 'gauge',
      realised_pnl_usdt: 'gauge',
      win_ratio: 'gauge',
      api_success_ratio: 'gauge',
      api_calls_last_minute: 'gauge',
      uptime_seconds: 'gauge',
      healthy: 'gauge',
      health_status: 'gauge',
      thread_heartbeat_age_seconds: 'gauge',
      thread_restarts: 'gauge',
      thread_healthy: 'gauge',
      api_latency_seconds: 'histogram',
      scan_duration_seconds: 'histogram',
    };
    for (const [name, type] of Object.entries(expected)) {
      const f = families.get(`${P}${name}`);
      expect(f, name).to.not.equal(undefined);
      expect((f as MetricFamily).type, name).to.equal(type);
      expect((f as MetricFamily).help, name).to.not.equal('');
    }
    expect(text).to.match(new RegExp(`^# TYPE ${P}api_calls_total counter$`, 'm'));
  });

  it('mirrors the report: api outcomes partition the total, positions, scans, gauges', async () => {
    const { text } = await scrape(new FakeStatusSource());
    const f = parsePrometheusText(text);
    // Report: 120 calls, 110 ok, 10 failed of which 4 rate-limited.
    expect(sampleValue(f, `${P}api_calls_total`, { outcome: 'ok' })).to.equal(110);
    expect(sampleValue(f, `${P}api_calls_total`, { outcome: 'failed' })).to.equal(6);
    expect(sampleValue(f, `${P}api_calls_total`, { outcome: 'rate_limited' })).to.equal(4);
    expect(sampleValue(f, `${P}positions_opened_total`)).to.equal(5);
    expect(sampleValue(f, `${P}positions_closed_total`)).to.equal(3);
    expect(sampleValue(f, `${P}scans_total`)).to.equal(40);
    expect(sampleValue(f, `${P}scan_errors_total`)).to.equal(2);
    expect(sampleValue(f, `${P}open_positions`)).to.equal(2);
    expect(sampleValue(f, `${P}equity`, { currency: 'USDT' })).to.equal(1012.5);
    expect(sampleValue(f, `${P}realised_pnl_usdt`)).to.equal(12.5);
    expect(sampleValue(f, `${P}win_ratio`)).to.be.closeTo(0.6667, 1e-9);
    expect(sampleValue(f, `${P}api_success_ratio`)).to.be.closeTo(0.9167, 1e-9);
    expect(sampleValue(f, `${P}uptime_seconds`)).to.equal(3723);
    expect(sampleValue(f, `${P}healthy`)).to.equal(1);
    expect(sampleValue(f, `${P}health_status`, { status: 'HEALTHY' })).to.equal(1);
    expect(sampleValue(f, `${P}health_status`, { status: 'UNHEALTHY' })).to.equal(0);
  });

  it('labels per-thread series by thread and drops a thread that left the report', async () => {
    const source = new FakeStatusSource();
    source.report.threads['order-executor'] = thread({
      state: 'stalled',
      healthy: false,
      last_heartbeat_age_s: 7.5,
      restarts: 3,
    });
    const { text } = await scrape(source);
    const f = parsePrometheusText(text);
    expect(sampleValue(f, `${P}thread_heartbeat_age_seconds`, { thread: 'order-executor' })).to.equal(7.5);
    expect(sampleValue(f, `${P}thread_healthy`, { thread: 'order-executor' })).to.equal(0);
    expect(sampleValue(f, `${P}thread_healthy`, { thread: 'scanner' })).to.equal(1);
    expect(sampleValue(f, `${P}thread_restarts`, { thread: 'order-executor' })).to.equal(3);
    expect(sampleValue(f, `${P}thread_restarts_total`, { thread: 'position-monitor' })).to.equal(1);

    delete source.report.threads['order-executor'];
    source.report.threads.scanner = thread({ last_heartbeat_age_s: null, state: 'starting', healthy: false });
    const again = parsePrometheusText((await httpGet(`${server?.url as string}metrics`)).body);
    const threadsSeen = new Set(again.get(`${P}thread_healthy`)?.samples.map((s) => s.labels.thread));
    expect([...threadsSeen]).to.have.members(['scanner', 'position-monitor']);
    // No heartbeat yet: the age series is absent rather than a fake 0.
    expect(again.get(`${P}thread_heartbeat_age_seconds`)?.samples.map((s) => s.labels.thread)).to.deep.equal([
      'position-monitor',
    ]);
  });

  it('reports unhealthy as 0 and leaves equity absent before the first reading', async () => {
    const source = new FakeStatusSource('UNHEALTHY');
    source.report.positions.equity = null;
    const f = parsePrometheusText((await scrape(source)).text);
    expect(sampleValue(f, `${P}healthy`)).to.equal(0);
    expect(sampleValue(f, `${P}health_status`, { status: 'UNHEALTHY' })).to.equal(1);
    expect(f.get(`${P}equity`)?.samples).to.deep.equal([]);
  });

  it('counters follow the source as it grows (read at scrape time, not at start)', async () => {
    const source = new FakeStatusSource();
    await scrape(source);
    source.report.positions.opened = 9;
    source.report.api.successful_calls = 500;
    const f = parsePrometheusText((await httpGet(`${server?.url as string}metrics`)).body);
    expect(sampleValue(f, `${P}positions_opened_total`)).to.equal(9);
    expect(sampleValue(f, `${P}api_calls_total`, { outcome: 'ok' })).to.equal(500);
  });

  it('histograms: cumulative le buckets ending in +Inf, _sum and _count, labelled by endpoint and outcome', async () => {
    const { text } = await scrape(new FakeStatusSource(), (s) => {
      s.recorder.recordApiCall({ ok: true, rateLimited: false, durationMs: 20, endpoint: 'positions' });
      s.recorder.recordApiCall({ ok: true, rateLimited: false, durationMs: 300, endpoint: 'positions' });
      s.recorder.recordApiCall({ ok: false, rateLimited: true, durationMs: 5, endpoint: 'order' });
      s.recorder.recordApiCall({ ok: true, rateLimited: false, durationMs: Number.NaN, endpoint: 'positions' });
      s.recorder.recordScan(1500);
      s.recorder.recordScan(40_000);
    });
    const f = parsePrometheusText(text);
    const lat = f.get(`${P}api_latency_seconds`) as MetricFamily;
    const okBuckets = lat.samples.filter(
      (s) => s.name.endsWith('_bucket') && s.labels.endpoint === 'positions' && s.labels.outcome === 'ok',
    );
    const les = okBuckets.map((s) => s.labels.le);
    expect(les).to.deep.equal(['0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    const counts = okBuckets.map((s) => s.value);
    expect(counts).to.deep.equal([0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
    expect(sampleValue(f, `${P}api_latency_seconds_count`, { endpoint: 'positions', outcome: 'ok' })).to.equal(2);
    expect(sampleValue(f, `${P}api_latency_seconds_sum`, { endpoint: 'positions', outcome: 'ok' })).to.be.closeTo(
      0.32,
      1e-9,
    );
    expect(sampleValue(f, `${P}api_latency_seconds_count`, { endpoint: 'order', outcome: 'rate_limited' })).to.equal(1);
    expect(sampleValue(f, `${P}scan_duration_seconds_count`)).to.equal(2);
    expect(sampleValue(f, `${P}scan_duration_seconds_bucket`, { le: '2.5' })).to.equal(1);
    expect(sampleValue(f, `${P}scan_duration_seconds_bucket`, { le: '+Inf' })).to.equal(2);
  });

  it('requires the token on /metrics when one is set', async () => {
    const { text } = await scrape(new FakeStatusSource(), undefined, 'tok');
    expect(text).to.include(`${P}scans_total`);
    expect((await httpGet(`${server?.url as string}metrics`)).status).to.equal(401);
  });

  it('uses a private registry: two instances with the same names never collide', async () => {
    const a = new StatusMetrics();
    const b = new StatusMetrics();
    a.recordScan(100);
    const report = sampleReport();
    const textA = parsePrometheusText(await a.render(report));
    const textB = parsePrometheusText(await b.render(report));
    expect(sampleValue(textA, `${P}scan_duration_seconds_count`)).to.equal(1);
    expect(sampleValue(textB, `${P}scan_duration_seconds_count`)).to.equal(0);
    const { register } = await import('prom-client');
    expect(await register.getSingleMetric(`${P}scans_total`)).to.equal(undefined);
  });

  it('folds endpoints past maxEndpoints into "other" (bounded label cardinality)', async () => {
    const m = new StatusMetrics({ maxEndpoints: 2 });
    for (const endpoint of ['a', 'b', 'c', 'd', 'a'])
      m.recordApiCall({ ok: true, rateLimited: false, durationMs: 1, endpoint });
    const f = parsePrometheusText(await m.render(sampleReport()));
    const endpoints = new Set(f.get(`${P}api_latency_seconds`)?.samples.map((s) => s.labels.endpoint));
    expect([...endpoints]).to.have.members(['a', 'b', 'other']);
    expect(sampleValue(f, `${P}api_latency_seconds_count`, { endpoint: 'other', outcome: 'ok' })).to.equal(2);
  });
});
