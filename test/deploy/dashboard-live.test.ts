// The dashboard of a REAL running bot (built supervisor entry, paper mode, embedded simulator at a
// fast clock) in headless Chromium: live thread heartbeats, API success rate, the scan counter moving
// over /ws without a reload, an open position once the bot trades, trade events; a screenshot in
// test-artifacts/dashboard-live.png. Then `npm run status` against the same bot (exit 0 while
// healthy), SIGINT (final report, exit 0), the page noticing, and `npm run status` exiting 2.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { fetchHealth } from '../../src/status/status-client.js';
import { repoRoot } from '../support/repo-root.js';
import { BOT_ENTRY } from '../support/bot-entry.js';
import { Child, runToExit } from '../support/child-process.js';
import { CHROMIUM, CHROMIUM_ARGS, assertChromium } from '../support/chromium.js';
import { waitUntil } from '../support/wait-until.js';

const TOKEN = 'live-dash-token';
const WORKERS = ['order-executor', 'position-monitor', 'scanner'];

/** `npm run status` from the repository, aimed at one status server (never a developer's own STATUS_*). */
function npmRunStatus(port: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STATUS_')));
  return runToExit(
    'npm run status',
    { command: 'npm', args: ['run', '--silent', 'status'] },
    { cwd: repoRoot(), env: { ...base, STATUS_HOST: '127.0.0.1', STATUS_PORT: port, STATUS_TOKEN: TOKEN } },
  );
}

async function numberIn(page: Page, selector: string): Promise<number> {
  return Number(((await page.textContent(selector)) ?? '').replace(/[^0-9.+-]/g, ''));
}

describe('dashboard of a live bot in headless Chromium (paper mode)', function () {
  this.timeout(120_000);
  let dir = '';
  let bot: Child | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let baseUrl = '';
  let port = '';
  const problems: string[] = [];
  let reportFrames = 0;
  let wsUrl = '';

  before(async function () {
    this.timeout(60_000);
    assertChromium();
    dir = mkdtempSync(path.join(tmpdir(), 'deploy-live-'));
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PM2_')));
    bot = new Child('bot', BOT_ENTRY, {
      cwd: dir, // no stray .env
      env: {
        ...base,
        TRADING_MODE: 'paper',
        SIM_URL: '',
        SIM_PORT: '0',
        SIM_SEED: '42',
        // 15-minute candles every 7.5 s: signals, entries and trailing-stop moves within seconds.
        SIM_SPEED: '120',
        CHECK_INTERVAL: '2',
        DATA_DIR: path.join(dir, 'data'),
        LOG_DIR: path.join(dir, 'logs'),
        LOG_LEVEL: 'info',
        STATUS_HOST: '127.0.0.1',
        STATUS_PORT: '0',
        STATUS_TOKEN: TOKEN,
        ALERT_WEBHOOK_URL: '',
        STALL_INJECT: '',
        SHUTDOWN_TIMEOUT: '5',
      },
    });
    const match = await bot.waitFor(/Dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/)/, 30_000);
    baseUrl = match[1] ?? '';
    port = match[2] ?? '';
    await bot.waitFor(/all workers reported in/, 30_000);

    const profile = path.join(dir, 'chromium-profile');
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('websocket', (ws) => {
      wsUrl = ws.url();
      ws.on('framereceived', (frame) => {
        if (typeof frame.payload === 'string' && frame.payload.startsWith('{"type":"report"')) reportFrames++;
      });
    });
  });

  after(async function () {
    this.timeout(30_000);
    await context?.close().catch(() => undefined);
    if (bot?.running) {
      bot.kill('SIGINT');
      await Promise.race([bot.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      bot.kill('SIGKILL');
    }
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('shows thread heartbeats, API health, scans counting up over /ws and an open position', async () => {
    if (!page) throw new Error('no page');
    const p = page;
    await p.goto(`${baseUrl}?token=${TOKEN}`);
    await p.waitForSelector('body[data-connection="live"]', { timeout: 15_000 });
    expect(wsUrl).to.match(/\/ws\?token=live-dash-token$/);

    // Three running workers, each with a fresh heartbeat age.
    const threads = await waitUntil(
      'three running threads with fresh heartbeats',
      async () => {
        const rows = p.locator('#threads-body tr');
        const cells: string[][] = [];
        for (let i = 0; i < (await rows.count()); i++)
          cells.push((await rows.nth(i).locator('td').allTextContents()).map((t) => t.trim()));
        // The supervisor and the indicator pool have rows too (runtime figures only, their sample is
        // their beat); the three workers are the ones that must be heartbeating.
        const workers = cells.filter((c) => WORKERS.includes(c[0] ?? ''));
        const fresh = workers.filter(
          (c) => c[1] === 'running' && /^\d+\.\d s$/.test(c[2] ?? '') && parseFloat(c[2] ?? '') < 5,
        );
        return workers.length === 3 && fresh.length === 3 ? workers : undefined;
      },
      { timeoutMs: 20_000, diagnostics: () => bot?.output.slice(-3000) ?? '' },
    );
    expect(threads.map((c) => c[0])).to.deep.equal(WORKERS);
    expect(
      threads.map((c) => c[3]),
      `restarts per worker; bot output:\n${bot?.output.slice(-4000) ?? ''}`,
    ).to.deep.equal(['0', '0', '0']);
    expect(await p.textContent('#verdict')).to.equal('HEALTHY');

    // API success rate measured from the workers' real calls to the simulator.
    const api = await waitUntil(
      'an API success rate',
      async () => {
        const text = (await p.textContent('#api-value')) ?? '';
        return /^\d+\.\d\d%$/.test(text) ? text : undefined;
      },
      { timeoutMs: 10_000 },
    );
    expect(parseFloat(api)).to.be.at.least(95);
    expect(await p.textContent('#api-sub')).to.match(/^\d+\/min · \d+ rate-limited$/);

    // The scan counter moves while the page stays loaded: the numbers arrive over /ws.
    const scans = await waitUntil(
      'a first scan',
      async () => ((await numberIn(p, '#scans-value')) > 0 ? numberIn(p, '#scans-value') : undefined),
      {
        timeoutMs: 20_000,
      },
    );
    const framesBefore = reportFrames;
    const later = await waitUntil(
      'the scan counter to count up',
      async () => {
        const n = await numberIn(p, '#scans-value');
        return n > scans ? n : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(later).to.be.above(scans);
    expect(reportFrames).to.be.above(framesBefore);

    // The bot trades in paper mode: an open position row, the counters and equity follow.
    const positionsText = await waitUntil(
      'an open position row',
      async () => {
        const text = (await p.textContent('#positions-body')) ?? '';
        return /[A-Z0-9]+USDTM/.test(text) ? text : undefined;
      },
      { timeoutMs: 45_000, diagnostics: () => bot?.output.slice(-3000) ?? '' },
    );
    expect(positionsText).to.match(/(LONG|SHORT)/);
    expect(await numberIn(p, '#open-value')).to.be.at.least(1);
    expect(await p.textContent('#equity-value')).to.match(/^\d{1,3}(,\d{3})*\.\d\d$/);
    const health = await fetchHealth({ baseUrl, token: TOKEN });
    if (health.kind !== 'report') throw new Error(`GET /health: ${health.reason}`);
    expect(health.report.positions.opened).to.be.at.least(1);

    // Trade events (openings, stop moves) stream in as they happen.
    await p
      .locator('#events-list li', { hasText: /trade · / })
      .first()
      .waitFor({ timeout: 30_000 });

    const artifacts = path.join(repoRoot(), 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await p.screenshot({ path: path.join(artifacts, 'dashboard-live.png'), fullPage: true });
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('npm run status prints the live report and exits 0 while the bot is healthy', async function () {
    this.timeout(60_000);
    const run = await npmRunStatus(port);
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
    expect(run.stdout).to.contain('BOT HEALTH REPORT');
    for (const w of WORKERS) expect(run.stdout).to.contain(w);
    expect(run.stdout, `npm run status output; bot output:\n${bot?.output.slice(-4000) ?? ''}`).to.match(
      /Overall Health: HEALTHY/,
    );
    expect(run.stderr).to.equal('');
  });

  it('stops on SIGINT with the final report and exit 0; the page and npm run status notice', async function () {
    this.timeout(60_000);
    if (!bot || !page) throw new Error('no bot or page');
    bot.kill('SIGINT');
    const { code } = await bot.exited;
    expect(code, bot.output.slice(-3000)).to.equal(0);
    expect(bot.output).to.contain('BOT HEALTH REPORT');
    expect(bot.output).to.contain('Overall Health');
    await page.waitForSelector('body[data-connection="disconnected"]', { timeout: 15_000 });
    const run = await npmRunStatus(port);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('Is the bot running?');
  });
});
