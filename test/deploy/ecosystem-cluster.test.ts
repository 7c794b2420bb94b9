// ecosystem.cluster.config.js read as pm2 reads it: two bots on one account, one Redis, each with
// its own journal, logs and status port, plus the shared simulator in paper mode.
import { expect } from 'chai';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../support/repo-root.js';

interface App {
  readonly name: string;
  readonly script: string;
  readonly env: Record<string, string>;
  readonly kill_timeout?: number;
}

let loads = 0;
async function appsWith(env: Record<string, string | undefined>): Promise<App[]> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const mod = (await import(
      `${pathToFileURL(path.join(repoRoot(), 'ecosystem.cluster.config.js')).href}?load=${++loads}`
    )) as { apps: App[] };
    return mod.apps;
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('ecosystem.cluster.config.js (two bots on one account)', () => {
  it('runs two bots on one Redis with separate journals and status ports, and a shared simulator in paper mode', async () => {
    const apps = await appsWith({ TRADING_MODE: undefined, REDIS_URL: 'redis://127.0.0.1:6399', SIM_URL: undefined });
    const bots = apps.filter((a) => a.script === 'dist/supervisor/main.js');
    expect(bots.map((b) => b.name)).to.deep.equal(['bot-a', 'bot-b']);
    expect(new Set(bots.map((b) => b.env['REDIS_URL']))).to.deep.equal(new Set(['redis://127.0.0.1:6399']));
    expect(new Set(bots.map((b) => b.env['DATA_DIR'])).size).to.equal(2);
    expect(new Set(bots.map((b) => b.env['STATUS_PORT'])).size).to.equal(2);
    const sim = apps.find((a) => a.name === 'kucoin-futures-sim');
    expect(sim, 'the shared simulator').to.not.equal(undefined);
    expect(bots.every((b) => b.env['SIM_URL'] === `http://127.0.0.1:${sim!.env['SIM_PORT']}`)).to.equal(true);
    expect(bots.every((b) => typeof b.kill_timeout === 'number')).to.equal(
      true,
      "the base file's graceful-stop settings",
    );
  });

  it('leaves the simulator out in live mode', async () => {
    const apps = await appsWith({ TRADING_MODE: 'live' });
    expect(apps.map((a) => a.name)).to.deep.equal(['bot-a', 'bot-b']);
    expect(apps.every((a) => a.env['SIM_URL'] === undefined)).to.equal(true);
  });
});
