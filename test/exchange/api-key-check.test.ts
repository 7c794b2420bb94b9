// The live-key check (issue 11), end to end: the real client signs GET /api/v1/user/api-key over
// real HTTP to the simulator, whose key reports SIM_KEY_PERMISSIONS / SIM_KEY_IP_WHITELIST; the
// built bot in live mode (KUCOIN_FUTURES_URL at the loopback simulator) refuses to start.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { judgeApiKey } from '../../src/exchange/api-key-check.js';
import type { KeyPermission } from '../../src/exchange/api-key-permissions.js';
import { KucoinFuturesClient } from '../../src/exchange/kucoin-futures-client.js';
import { loadConfig } from '../../src/config/load-config.js';
import { readSimulatorEnv } from '../../src/simulator/simulator-env.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/simulator.js';
import { verifyLiveKey } from '../../supervisor/live-key.js';
import { runBotToExit } from '../support/bot-entry.js';

const KEY = 'live-key-7f3a91';
const SECRET = 'live-secret-c0ffee';
const PASSPHRASE = 'live-pass-beef';

interface LogLine {
  level: 'info' | 'warn';
  message: string;
  meta?: Record<string, unknown>;
}

function recorder(): {
  lines: LogLine[];
  info(m: string, meta?: Record<string, unknown>): void;
  warn(m: string, meta?: Record<string, unknown>): void;
} {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, meta) => lines.push({ level: 'info', message, ...(meta ? { meta } : {}) }),
    warn: (message, meta) => lines.push({ level: 'warn', message, ...(meta ? { meta } : {}) }),
  };
}

function liveEnv(sim: SimulatorHandle, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TRADING_MODE: 'live',
    KUCOIN_FUTURES_URL: sim.url,
    KUCOIN_API_KEY: KEY,
    KUCOIN_API_SECRET: SECRET,
    KUCOIN_API_PASSPHRASE: PASSPHRASE,
    ...extra,
  };
}

describe('live API-key check', () => {
  let sims: SimulatorHandle[] = [];
  afterEach(async () => {
    await Promise.all(sims.map((s) => s.close()));
    sims = [];
  });

  async function simWith(
    keyPermissions: readonly KeyPermission[],
    ipWhitelist?: readonly string[],
  ): Promise<SimulatorHandle> {
    const sim = await startSimulator({
      apiKey: KEY,
      apiSecret: SECRET,
      apiPassphrase: PASSPHRASE,
      contracts: 1,
      keyPermissions,
      ...(ipWhitelist ? { ipWhitelist } : {}),
    });
    sims.push(sim);
    return sim;
  }

  describe('the rule', () => {
    const info = { permission: ['General', 'Futures'], ipWhitelist: ['203.0.113.7'], uid: '42', isMaster: true };
    it('accepts a trade-only, whitelisted key without a word', () => {
      expect(judgeApiKey(info, { allowWithdrawal: false })).to.deep.include({ refusals: [], warnings: [] });
    });
    it('refuses Transfer unless allowed, and a key without Futures with the fix', () => {
      const transfer = judgeApiKey(
        { ...info, permission: ['General', 'Futures', 'Transfer'] },
        { allowWithdrawal: false },
      );
      expect(transfer.refusals).to.have.length(1);
      expect(transfer.refusals[0]).to.include('Transfer').and.include('ALLOW_WITHDRAWAL_KEY=1');
      expect(
        judgeApiKey({ ...info, permission: ['General', 'Futures', 'Transfer'] }, { allowWithdrawal: true }).refusals,
      ).to.deep.equal([]);
      const noFutures = judgeApiKey({ ...info, permission: ['General', 'Spot'] }, { allowWithdrawal: false });
      expect(noFutures.refusals).to.have.length(1);
      expect(noFutures.refusals[0]).to.include('Futures').and.include('API Management');
    });
    it('warns about a key usable from any address and names the sub-account', () => {
      const v = judgeApiKey(
        { ...info, ipWhitelist: [], isMaster: false, subName: 'bot-sub' },
        { allowWithdrawal: false },
      );
      expect(v.refusals).to.deep.equal([]);
      expect(v.warnings).to.have.length(1);
      expect(v.warnings[0]).to.include('IP whitelist');
      expect(v.account).to.deep.equal({ uid: '42', subAccount: 'bot-sub', permissions: ['General', 'Futures'] });
    });
  });

  describe('against the simulator over HTTP', () => {
    it('serves the key info from SIM_KEY_PERMISSIONS / SIM_KEY_IP_WHITELIST through the shared endpoint table', async () => {
      const env = readSimulatorEnv({
        SIM_KEY_PERMISSIONS: 'General, Futures, Transfer',
        SIM_KEY_IP_WHITELIST: '127.0.0.1',
      });
      expect(env.keyPermissions).to.deep.equal(['General', 'Futures', 'Transfer']);
      expect(env.ipWhitelist).to.deep.equal(['127.0.0.1']);
      expect(readSimulatorEnv({}).keyPermissions).to.deep.equal(['General', 'Futures']);
      expect(() => readSimulatorEnv({ SIM_KEY_PERMISSIONS: 'General,Withdraw' })).to.throw(/SIM_KEY_PERMISSIONS/);
      const sim = await simWith(env.keyPermissions, env.ipWhitelist);
      const client = new KucoinFuturesClient({
        baseUrl: sim.url,
        credentials: { key: KEY, secret: SECRET, passphrase: PASSPHRASE, keyVersion: 2 },
      });
      const { data } = await client.apiKeyInfo();
      expect(data.permission).to.deep.equal(['General', 'Futures', 'Transfer']);
      expect(data.ipWhitelist).to.deep.equal(['127.0.0.1']);
      expect(data).not.to.have.property('apiKey');
      const unsigned = new KucoinFuturesClient({ baseUrl: sim.url });
      let refused: unknown;
      await unsigned.apiKeyInfo().catch((e: unknown) => (refused = e));
      expect(String(refused)).to.match(/40000\d/);
    });

    it('refuses a withdrawal-enabled key, and accepts it with ALLOW_WITHDRAWAL_KEY=1', async () => {
      const sim = await simWith(['General', 'Futures', 'Transfer'], ['127.0.0.1']);
      const log = recorder();
      const refused = await verifyLiveKey(loadConfig(liveEnv(sim), { dotenvPath: false }), log);
      expect(refused.kind).to.equal('refused');
      expect(refused.kind === 'refused' && refused.reasons.join('\n')).to.include('Transfer (withdrawal)');
      const allowed = await verifyLiveKey(
        loadConfig(liveEnv(sim, { ALLOW_WITHDRAWAL_KEY: '1' }), { dotenvPath: false }),
        log,
      );
      expect(allowed.kind).to.equal('accepted');
    });

    it('refuses a key without Futures, saying how to fix it', async () => {
      const sim = await simWith(['General', 'Spot'], ['127.0.0.1']);
      const outcome = await verifyLiveKey(loadConfig(liveEnv(sim), { dotenvPath: false }), recorder());
      expect(outcome.kind).to.equal('refused');
      expect(outcome.kind === 'refused' && outcome.reasons[0])
        .to.include('lacks the Futures permission')
        .and.include('tick "Futures"');
    });

    it('warns when the key has no IP whitelist, logs uid and sub-account, never the key', async () => {
      const sim = await simWith(['General', 'Futures']);
      const log = recorder();
      const outcome = await verifyLiveKey(loadConfig(liveEnv(sim), { dotenvPath: false }), log);
      expect(outcome.kind).to.equal('accepted');
      const checked = log.lines.find((l) => l.message === 'live API key checked');
      expect(checked?.meta).to.deep.include({ uid: '100000001', subAccount: 'paper', permissions: 'General,Futures' });
      expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message))
        .to.have.length(1)
        .and.satisfy((w: string[]) => w[0]!.includes('no IP whitelist'));
      const all = JSON.stringify(log.lines);
      for (const secret of [KEY, SECRET, PASSPHRASE]) expect(all).not.to.include(secret);
    });

    it('fails closed when the exchange cannot be asked', async () => {
      const sim = await simWith(['General', 'Futures']);
      const config = loadConfig(liveEnv(sim, { KUCOIN_API_SECRET: 'wrong-secret' }), { dotenvPath: false });
      const outcome = await verifyLiveKey(config, recorder());
      expect(outcome.kind).to.equal('unchecked');
    });
  });

  describe('the bot in live mode', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'live-key-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const runBot = (env: Record<string, string>): ReturnType<typeof runBotToExit> =>
      runBotToExit(dir, { STATUS_PORT: '0', ...env });

    it('exits 2 before trading with a withdrawal-enabled key, and with a key without Futures', async () => {
      const transfer = await simWith(['General', 'Futures', 'Transfer'], ['127.0.0.1']);
      const first = await runBot(liveEnv(transfer));
      expect(first.code, first.output).to.equal(2);
      expect(first.output)
        .to.include('refusing to start')
        .and.include('Transfer (withdrawal)')
        .and.include('ALLOW_WITHDRAWAL_KEY=1');
      expect(first.output).not.to.include(KEY);
      expect(transfer.engine.listOrders({ status: 'done' })).to.have.length(0);

      const noFutures = await simWith(['General']);
      const second = await runBot(liveEnv(noFutures));
      expect(second.code, second.output).to.equal(2);
      expect(second.output).to.include('lacks the Futures permission');
    });
  });
});
