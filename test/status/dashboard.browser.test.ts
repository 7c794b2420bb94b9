// The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core): the
// page loads with ?token=, receives live data over /ws, follows changes, shows events, survives a
// server restart, and leaves a screenshot in test-artifacts/dashboard.png.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { StatusServer } from '../../src/status/status-server.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { repoRoot } from '../support/repo-root.js';
import { dashboardFixture } from './dashboard-fixture.js';
import { FakeStatusSource, thread } from './fake-status-source.js';

const TOKEN = 'dash-token';

function richSource(): FakeStatusSource {
  const source = new FakeStatusSource('HEALTHY');
  const start = Date.UTC(2025, 0, 1, 0, 0, 0);
  let equity = 1000;
  for (let i = 0; i < 60; i += 1) {
    equity += Math.sin(i / 4) * 3 + 0.4;
    source.equity.push({ t: start + i * 60_000, equity: Math.round(equity * 100) / 100 });
  }
  source.report.positions.equity = (source.equity.at(-1) as { equity: number }).equity;
  source.positions = [
    {
      symbol: 'XBTUSDTM',
      side: 'long',
      size: 3,
      entry_price: 61_250.5,
      mark_price: 61_410,
      leverage: 5,
      unrealised_pnl: 4.79,
      opened_at: '2025-01-01T00:42:10.000Z',
    },
    {
      symbol: 'SOLUSDTM',
      side: 'short',
      size: 12,
      entry_price: 142.31,
      mark_price: 143.02,
      leverage: 3,
      unrealised_pnl: -0.85,
      opened_at: '2025-01-01T00:55:03.000Z',
    },
  ];
  source.report.threads['order-executor'] = thread({
    progress: 88,
    restarts: 2,
    last_restart_reason: 'stalled: no heartbeat for 3.2 s',
  });
  source.report.recent_errors.unshift({
    time: '2025-01-01T01:01:30.000Z',
    thread: 'order-executor',
    type: 'restart',
    message: 'stalled: no heartbeat for 3.2 s <script>alert(1)</script>',
  });
  return source;
}

/** Waits until the element's whole text is exactly `text`. */
async function hasText(page: Page, selector: string, text: string): Promise<void> {
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator(selector, { hasText: exact }).waitFor({ timeout: 10_000 });
}

describe('dashboard page in headless Chromium', function () {
  this.timeout(90_000);
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  const servers: StatusServer[] = [];

  before(() => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: the dashboard browser test needs it. ` +
          'Install it with `apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH).',
      );
    }
  });

  after(async () => {
    await context?.close();
    await Promise.all(servers.map((s) => s.close()));
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    profile = mkdtempSync(path.join(tmpdir(), 'status-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    return context.pages()[0] ?? (await context.newPage());
  }

  it('renders live data from /ws, follows changes and events, and reconnects after a restart', async () => {
    const source = richSource();
    const server = new StatusServer({
      source,
      port: 0,
      token: TOKEN,
      pushIntervalMs: 100,
      refreshIntervalMs: 0,
      title: 'KuCoin Futures Bot (paper)',
    });
    servers.push(server);
    const url = await server.start();

    const page = await openPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('dialog', (dialog) => {
      problems.push(`dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });

    await page.goto(`${url}?token=${TOKEN}`);
    await page.waitForSelector('body[data-connection="live"]', { timeout: 15_000 });
    await hasText(page, '#verdict', 'HEALTHY');
    expect(await page.textContent('#open-value')).to.equal('2');
    expect(await page.textContent('#positions-body')).to.include('XBTUSDTM');
    expect(await page.textContent('#threads-body')).to.include('order-executor');
    expect(await page.textContent('#api-value')).to.equal('91.67%');
    // The error text is shown as text, never parsed as markup.
    expect(await page.textContent('#errors-list')).to.include('<script>alert(1)</script>');
    const pathD = await page.getAttribute('#equity-svg path:last-of-type', 'd');
    expect((pathD ?? '').split('L')).to.have.length(60);

    // A change on the server side arrives without a reload.
    source.report.positions.open = 3;
    source.positions.push({
      symbol: 'ETHUSDTM',
      side: 'long',
      size: 5,
      entry_price: 3312.4,
      mark_price: null,
      leverage: 4,
      unrealised_pnl: null,
      opened_at: '2025-01-01T01:02:00.000Z',
    });
    source.setStatus('DEGRADED');
    source.report.overall_health = {
      status: 'DEGRADED',
      reasons: ['API success rate 91.67% in the last minute is below 95%'],
    };
    source.report.alerts = {
      delivery_failures: 2,
      last_delivery_error: 'http://127.0.0.1:9: webhook answered HTTP 307 redirect',
    };
    source.emitChange();
    await hasText(page, '#open-value', '3');
    await hasText(page, '#verdict', 'DEGRADED');
    expect(await page.textContent('#positions-body')).to.include('ETHUSDTM');
    expect(await page.textContent('#reasons')).to.include('below 95%');
    // Alerts the webhook never took are shown, not just counted.
    await page
      .locator('[data-testid="alert-delivery"]', { hasText: '2 alert(s) not delivered' })
      .waitFor({ timeout: 10_000 });
    expect(await page.textContent('[data-testid="alert-delivery"]')).to.include('HTTP 307');
    // Positions and orders on the account that are not the bot's are shown (issue 17), after a change too.
    expect(await page.textContent('#foreign-positions')).to.equal('none');
    source.report.positions.foreign = { count: 2, symbols: ['ADAUSDTM', 'LTCUSDTM'] };
    source.report.orders = { foreign: 3, client_oid_prefix: 'kb_test_', contested_symbols: ['LTCUSDTM'] };
    source.emitChange();
    await hasText(page, '#foreign-positions', 'ADAUSDTM, LTCUSDTM');
    expect(await page.textContent('#foreign-orders')).to.equal('3');
    expect(await page.textContent('#contested')).to.equal('LTCUSDTM');
    expect(await page.textContent('#oid-prefix')).to.equal('kb_test_');

    server.publishEvent({ kind: 'trade', message: 'Opened ETHUSDTM long 5 @ 3312.4', severity: 'info' });
    server.publishEvent({
      kind: 'restart',
      message: 'order-executor restarted (stalled: no heartbeat for 3.2 s)',
      severity: 'warning',
    });
    await page.locator('#events-list', { hasText: 'order-executor restarted' }).waitFor();
    expect(await page.textContent('#events-list')).to.include('Opened ETHUSDTM long');

    const artifacts = path.join(repoRoot(), 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'dashboard.png'), fullPage: true });

    // Server gone: the page says so, then reconnects to a new server on the same port.
    const port = Number(new URL(url).port);
    await server.close();
    await page.waitForSelector('body[data-connection="disconnected"]', { timeout: 10_000 });
    expect(await page.textContent('#conn')).to.include('disconnected');

    const revived = richSource();
    revived.report.positions.open = 5;
    const second = new StatusServer({ source: revived, port, token: TOKEN, refreshIntervalMs: 0 });
    servers.push(second);
    await second.start();
    await page.waitForSelector('body[data-connection="live"]', { timeout: 20_000 });
    await hasText(page, '#open-value', '5');

    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('says the right thing at 1400 and 800 px: mode badge apart from the connection, equity change, tick precision', async () => {
    const source = dashboardFixture();
    source.paused = true;
    const commands: string[] = [];
    const control = async (command: { kind: string; symbol?: string }) => {
      commands.push(command.symbol ? `${command.kind} ${command.symbol}` : command.kind);
      return { ok: true, command: command.kind, detail: 'done in the test' };
    };
    const server = new StatusServer({
      source,
      port: 0,
      token: TOKEN,
      pushIntervalMs: 100,
      refreshIntervalMs: 0,
      mode: 'paper',
      control,
    });
    servers.push(server);
    const url = await server.start();
    const page = context ? await context.newPage() : await openPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    const artifacts = path.join(repoRoot(), 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    for (const width of [1400, 800]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.goto(`${url}?token=${TOKEN}`);
      await page.waitForSelector('body[data-connection="live"]', { timeout: 15_000 });
      await hasText(page, '#verdict', 'HEALTHY');
      // The trading mode and the connection are two different things, said in two places.
      expect(await page.textContent('#mode')).to.equal('PAPER');
      expect(await page.textContent('#conn')).to.equal('connected');
      // Equity 10 129.?? against the run's start (10 000) and the UTC day's start (10 050).
      const eq = source.report.positions.equity as number;
      const sinceStart = (await page.textContent('#equity-change')) ?? '';
      expect(sinceStart).to.equal(`+${(eq - 10_000).toFixed(2)} (+${((eq - 10_000) / 100).toFixed(2)}%) since start`);
      expect(await page.textContent('#equity-day')).to.match(
        new RegExp(`^\\+${(eq - 10_050).toFixed(2)} \\(\\+\\d\\.\\d\\d%\\) since 00:00 UTC$`),
      );
      // Prices at each contract's tick: 0.1, 0.001, 0.00001.
      const cells = await page.$$eval('#positions-body tr', (rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
      );
      const bySymbol = new Map(cells.map((c) => [c[0], c]));
      expect(bySymbol.get('XBTUSDTM')!.slice(3, 5)).to.deep.equal(['61,250.5', '61,410.1']);
      expect(bySymbol.get('XBTUSDTM')![6]).to.equal('60,980.4');
      expect(bySymbol.get('XBTUSDTM')![7]).to.equal('429.7 (0.70%)');
      expect(bySymbol.get('SOLUSDTM')!.slice(3, 5)).to.deep.equal(['142.310', '143.020']);
      expect(bySymbol.get('DOGEUSDTM')!.slice(3, 5)).to.deep.equal(['0.07715', '0.07731']);
      // The curve has value and time axes; the paused banner, the alert history and the buttons show.
      expect(await page.$$eval('#chart-axes .y-label', (l) => l.length)).to.be.at.least(3);
      expect(await page.$$eval('#chart-axes .x-label', (l) => l.map((e) => e.textContent))).to.include.members([
        '00:00',
        '00:59',
      ]);
      expect(await page.isVisible('#paused')).to.equal(true);
      expect(await page.textContent('#alerts-list')).to.include('entries paused');
      expect(await page.isVisible('#ctl-pause')).to.equal(true);
      expect(await page.$$eval('#positions-body button', (b) => b.length)).to.equal(3);
      // Empty panels collapse to their title; nothing overflows the viewport sideways.
      expect(await page.getAttribute('#events-card', 'class')).to.include('collapsed');
      expect(await page.evaluate('document.documentElement.scrollWidth')).to.be.at.most(width);
      await page.screenshot({ path: path.join(artifacts, `dashboard-${width}.png`), fullPage: true });
    }
    // The buttons POST with the token; a close asks first, and a declined close sends nothing.
    const dialogs: string[] = [];
    let accept = false;
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    });
    await page.click('#positions-body button[data-command="close/XBTUSDTM"]');
    await page.click('#ctl-pause');
    await page.locator('#control-result', { hasText: /^done: pause/ }).waitFor({ timeout: 10_000 });
    accept = true;
    await page.click('#positions-body button[data-command="close/XBTUSDTM"]');
    await page.locator('#control-result', { hasText: /^done: close/ }).waitFor({ timeout: 10_000 });
    expect(dialogs).to.deep.equal(['Close XBTUSDTM (long 3) at market?', 'Close XBTUSDTM (long 3) at market?']);
    expect(commands).to.deep.equal(['pause', 'close XBTUSDTM']);
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.close();
  });
});
