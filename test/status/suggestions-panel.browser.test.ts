// The dashboard's optimisation-suggestions panel in headless Chromium: it shows the report's
// suggestions (as text, never markup) and per-thread runtime figures, and follows them as they
// are raised and cleared.
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { StatusServer } from '../../src/status/status-server.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { FakeStatusSource, thread } from './fake-status-source.js';

describe('dashboard optimisation suggestions panel in headless Chromium', function () {
  this.timeout(60_000);
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let server: StatusServer | undefined;

  before(() => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it with apt-get install -y chromium (or set CHROMIUM_PATH)`,
      );
  });

  after(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it('lists active suggestions and runtime figures, and empties when they clear', async () => {
    const source = new FakeStatusSource('HEALTHY');
    source.report.threads['scanner'] = thread({
      runtime: {
        event_loop_delay_ms: { p50: 0.2, p99: 148, max: 151 },
        elu: 0.31,
        heap_used_mb: 42,
        heap_limit_mb: 4144,
        gc_ms_per_min: 120,
      },
    });
    source.report.performance.suggestions = [
      {
        id: 'event-loop-blocked',
        severity: 'warning',
        thread: 'scanner',
        evidence: 'event-loop delay max 151 ms <img src=x onerror=alert(1)>',
        advice: 'npm run profile -- --thread scanner --seconds 10',
        raised_at: '2025-01-01T01:00:00.000Z',
      },
    ];
    server = new StatusServer({ source, port: 0, token: 'panel-token', refreshIntervalMs: 0 });
    const url = await server.start();
    profile = mkdtempSync(path.join(tmpdir(), 'panel-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });

    await page.goto(`${url}?token=panel-token`);
    const item = page.locator('#perf-suggestions li[data-id="event-loop-blocked"][data-thread="scanner"]');
    await item.waitFor({ timeout: 15_000 });
    expect(await item.textContent())
      .to.include('<img src=x onerror=alert(1)>')
      .and.include('npm run profile -- --thread scanner');
    expect(await page.textContent('#perf-runtime tbody'))
      .to.include('scanner')
      .and.include('0.2 / 148.0 / 151');

    source.report.performance.suggestions = [];
    await page.locator('#perf-suggestions li.empty').waitFor({ timeout: 15_000 });
    expect(problems).to.deep.equal([]);
  });
});
