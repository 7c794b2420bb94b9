// ecosystem.config.js read as pm2 reads it (the named `apps` export): pm2's stop timeout and log
// folder follow the bot's SHUTDOWN_TIMEOUT and LOG_DIR from the environment. The pm2 test runs the
// file for real; this checks the settings that differ per deployment without starting anything.
import { expect } from 'chai';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/repo-root.js';

interface AppConfig {
  readonly script: string;
  readonly cwd: string;
  readonly kill_timeout: number;
  readonly out_file: string;
  readonly error_file: string;
  readonly stop_exit_codes?: readonly number[];
  readonly listen_timeout?: number;
}

function isApp(value: unknown): value is AppConfig {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['script'] === 'string' &&
    typeof v['cwd'] === 'string' &&
    typeof v['kill_timeout'] === 'number' &&
    typeof v['out_file'] === 'string'
  );
}

let loads = 0;

/** A fresh evaluation of the file under `env` (a query string makes it a new module instance). */
async function loadWith(env: Record<string, string | undefined>): Promise<AppConfig> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    const url = `${pathToFileURL(path.join(repoRoot(), 'ecosystem.config.js')).href}?load=${++loads}`;
    const mod: unknown = await import(url);
    const apps = (mod as { apps?: unknown }).apps;
    if (!Array.isArray(apps) || apps.length !== 1 || !isApp(apps[0]))
      throw new Error('ecosystem.config.js must export apps: [one app]');
    return apps[0];
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('ecosystem.config.js', () => {
  it('loads through require() as pm2 does, with the apps as a named export', () => {
    const required: unknown = createRequire(import.meta.url)(path.join(repoRoot(), 'ecosystem.config.js'));
    const apps = (required as { apps?: unknown }).apps;
    expect(Array.isArray(apps) && apps.length === 1 && isApp(apps[0])).to.equal(true);
  });

  it('keeps kill_timeout above SHUTDOWN_TIMEOUT, whatever it is set to', async () => {
    expect((await loadWith({ SHUTDOWN_TIMEOUT: '30' })).kill_timeout).to.be.above(30_000);
    expect((await loadWith({ SHUTDOWN_TIMEOUT: '2.5' })).kill_timeout).to.be.above(2_500);
    // Unset or unusable: the bot's default (10 s) applies, or the bot refuses to start anyway.
    expect((await loadWith({ SHUTDOWN_TIMEOUT: '' })).kill_timeout).to.be.above(10_000);
    expect((await loadWith({ SHUTDOWN_TIMEOUT: 'soon' })).kill_timeout).to.be.above(10_000);
  });

  it('writes pm2 logs into LOG_DIR, a relative one resolved from the bot directory', async () => {
    const absolute = await loadWith({ LOG_DIR: '/var/log/kucoin-bot' });
    expect(absolute.out_file).to.equal('/var/log/kucoin-bot/pm2-out.log');
    expect(absolute.error_file).to.equal('/var/log/kucoin-bot/pm2-error.log');
    const relative = await loadWith({ LOG_DIR: 'var/logs' });
    expect(relative.out_file).to.equal(path.join(repoRoot(), 'var', 'logs', 'pm2-out.log'));
    expect(relative.cwd).to.equal(repoRoot());
  });

  it('does not restart exits a restart cannot heal: 2 (configuration) and 3 (journal cannot open)', async () => {
    const { STORE_OPEN_EXIT_CODE } = await import('../../src/store/index.js');
    expect((await loadWith({})).stop_exit_codes).to.include.members([2, STORE_OPEN_EXIT_CODE]);
  });

  it("waits for ready longer than the workers' start-up allowance (STARTUP_TIMEOUT)", async () => {
    expect((await loadWith({ STARTUP_TIMEOUT: undefined })).listen_timeout).to.equal(60_000);
    expect((await loadWith({ STARTUP_TIMEOUT: '120' })).listen_timeout).to.be.above(120_000);
  });

  it('runs the built entry unless BOT_SCRIPT names another build', async () => {
    expect((await loadWith({ BOT_SCRIPT: undefined })).script).to.equal('dist/supervisor/main.js');
    expect((await loadWith({ BOT_SCRIPT: '/opt/bot/main.js' })).script).to.equal('/opt/bot/main.js');
  });
});
