// `npm run docs:screenshot`: renders the dashboard with the same fixture the Chromium test asserts
// on (a paused paper bot with three positions) and writes docs/dashboard.png for the README.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { StatusServer } from '../../src/status/status-server.js';
import { assertChromium, CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';
import { repoRoot } from '../support/repo-root.js';
import { dashboardFixture } from './dashboard-fixture.js';

const TOKEN = 'screenshot';

async function main(): Promise<void> {
  assertChromium();
  const source = dashboardFixture();
  source.paused = true;
  // The browser closing its sockets at the end is not news.
  const server = new StatusServer({
    source,
    port: 0,
    token: TOKEN,
    refreshIntervalMs: 0,
    mode: 'paper',
    control: async () => ({ ok: true }),
    onError: () => undefined,
  });
  const url = await server.start();
  const profile = mkdtempSync(path.join(tmpdir(), 'dashboard-shot-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}?token=${TOKEN}`);
    await page.waitForSelector('body[data-connection="live"]', { timeout: 15_000 });
    await page.locator('#verdict', { hasText: 'HEALTHY' }).waitFor({ timeout: 10_000 });
    const out = path.join(repoRoot(), 'docs', 'dashboard.png');
    mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
