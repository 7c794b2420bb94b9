import { expect } from 'chai';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig, describeConfig, secretsOf } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { renderEnvExample } from '../../src/config/env-example.js';
import { CONFIG_SCHEMA } from '../../config/schema.js';
import { repoRoot } from '../support/repo-root.js';

function load(env: Record<string, string>) {
  return loadConfig(env, { dotenvPath: false });
}

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('configuration', () => {
  it('defaults to paper mode with the documented defaults', () => {
    const cfg = load({});
    expect(cfg.tradingMode).to.equal('paper');
    expect(cfg.positionUpdateInterval).to.equal(1.0);
    expect(cfg.liveLoopInterval).to.equal(0.05);
    expect(cfg.heartbeatInterval).to.equal(1);
    expect(cfg.stallTimeout).to.equal(3);
    expect(cfg.maxRestarts).to.equal(5);
    expect(cfg.restartWindow).to.equal(60);
    expect(cfg.healthReportInterval).to.equal(3600);
    expect(cfg.logLevel).to.equal('info');
  });

  it('reads and coerces env values', () => {
    const cfg = load({
      CHECK_INTERVAL: '30',
      LEVERAGE: '10',
      RISK_PER_TRADE: '0.02',
      STATUS_PORT: '9000',
      LOG_LEVEL: 'debug',
    });
    expect(cfg.checkInterval).to.equal(30);
    expect(cfg.leverage).to.equal(10);
    expect(cfg.riskPerTrade).to.equal(0.02);
    expect(cfg.statusPort).to.equal(9000);
    expect(cfg.logLevel).to.equal('debug');
  });

  it('fails with one error listing every bad key, its value and what is allowed', () => {
    const err = problemsOf({
      TRADING_MODE: 'yolo',
      HEARTBEAT_INTERVAL: 'abc',
      MAX_RESTARTS: '2.5',
      STATUS_PORT: '70000',
      RISK_PER_TRADE: '-1',
      LOG_LEVEL: 'loud',
      STALL_INJECT: 'nobody:5',
      SIM_FAULTS: 'latency=0.2:150,meteor=0.5',
      KLINE_GRANULARITY: '7',
    });
    const envs = err.problems.map((p) => p.env).sort();
    expect(envs).to.deep.equal([
      'HEARTBEAT_INTERVAL',
      'KLINE_GRANULARITY',
      'LOG_LEVEL',
      'MAX_RESTARTS',
      'RISK_PER_TRADE',
      'SIM_FAULTS',
      'STALL_INJECT',
      'STATUS_PORT',
      'TRADING_MODE',
    ]);
    expect(err.message).to.include('TRADING_MODE="yolo": must be one of paper | live');
    expect(err.message).to.include('HEARTBEAT_INTERVAL="abc": must be a number > 0');
    expect(err.message).to.include('MAX_RESTARTS="2.5": must be an integer');
    expect(err.message).to.include('STATUS_PORT="70000"');
    expect(err.message).to.include('STALL_INJECT="nobody:5"');
    expect(err.message).to.include('SIM_FAULTS="latency=0.2:150,meteor=0.5"');
    expect(err.message).to.include(
      'KLINE_GRANULARITY="7": must be one of 1, 5, 15, 30, 60, 120, 240, 480, 720, 1440, 10080',
    );
    expect(load({ SIM_FAULTS: 'latency=0.2:150,5xx=0.05' }).simFaults).to.equal('latency=0.2:150,5xx=0.05');
  });

  it('redacts sensitive values in the error', () => {
    const err = problemsOf({ ALERT_WEBHOOK_URL: 'not a url with hunter2-secret' });
    expect(err.message).to.include('ALERT_WEBHOOK_URL=[redacted]');
    expect(err.message).not.to.include('hunter2-secret');
  });

  it('refuses live mode without the three credentials, naming the missing ones', () => {
    const err = problemsOf({ TRADING_MODE: 'live', KUCOIN_API_KEY: 'k-123456' });
    expect(err.message).to.match(
      /TRADING_MODE=live needs KuCoin credentials: set KUCOIN_API_SECRET, KUCOIN_API_PASSPHRASE/,
    );
    const cfg = load({
      TRADING_MODE: 'live',
      KUCOIN_API_KEY: 'k-123456',
      KUCOIN_API_SECRET: 's-123456',
      KUCOIN_API_PASSPHRASE: 'p-123456',
    });
    expect(cfg.tradingMode).to.equal('live');
  });

  it('rejects a progress timeout the scanner or the executor could never meet', () => {
    const err = problemsOf({ CHECK_INTERVAL: '300', PROGRESS_TIMEOUT: '120' });
    expect(err.message).to.include('PROGRESS_TIMEOUT (120) must be longer than CHECK_INTERVAL (300)');
    const err2 = problemsOf({ POSITION_UPDATE_INTERVAL: '60', PROGRESS_TIMEOUT: '30', CHECK_INTERVAL: '10' });
    expect(err2.message).to.include(
      "PROGRESS_TIMEOUT (30) must be longer than the executor's reconciliation interval (30 s",
    );
  });

  it('rejects a stall timeout that is not longer than the heartbeat', () => {
    const err = problemsOf({ HEARTBEAT_INTERVAL: '5', STALL_TIMEOUT: '2' });
    expect(err.message).to.include('STALL_TIMEOUT (2) must be longer than HEARTBEAT_INTERVAL (5)');
  });

  it('reads .env but never lets it override the real environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    try {
      const file = path.join(dir, '.env');
      writeFileSync(file, 'CHECK_INTERVAL=42\nLEVERAGE=7\n');
      const cfg = loadConfig({ LEVERAGE: '3' }, { dotenvPath: file });
      expect(cfg.checkInterval).to.equal(42);
      expect(cfg.leverage).to.equal(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes itself with secrets redacted and lists secrets for the log redactor', () => {
    const cfg = load({
      TRADING_MODE: 'live',
      KUCOIN_API_KEY: 'key-aaaa',
      KUCOIN_API_SECRET: 'sec-bbbb',
      KUCOIN_API_PASSPHRASE: 'pass-cccc',
    });
    const text = JSON.stringify(describeConfig(cfg));
    expect(text).not.to.include('sec-bbbb');
    expect(text).not.to.include('pass-cccc');
    expect(secretsOf(cfg)).to.include.members(['key-aaaa', 'sec-bbbb', 'pass-cccc']);
  });

  describe('.env.example', () => {
    const committed = readFileSync(path.join(repoRoot(), '.env.example'), 'utf8');
    const parsed = dotenv.parse(committed);

    it('is exactly what the schema renders (run `npm run config:example` after changing the schema)', () => {
      expect(committed).to.equal(renderEnvExample());
    });

    it('lists every key with its schema default', () => {
      for (const spec of Object.values(CONFIG_SCHEMA)) {
        expect(parsed, spec.env).to.have.property(spec.env);
        expect(load({ [spec.env]: parsed[spec.env] ?? '' })).to.be.an('object');
        const value = String(parsed[spec.env]);
        if (typeof spec.default === 'number') expect(Number(value), spec.env).to.equal(spec.default);
        else expect(value, spec.env).to.equal(String(spec.default));
      }
      expect(Object.keys(parsed).length).to.equal(Object.keys(CONFIG_SCHEMA).length);
    });

    it('keeps the defaults the original project got wrong', () => {
      expect(Number(parsed['POSITION_UPDATE_INTERVAL'])).to.equal(1.0);
      expect(Number(parsed['LIVE_LOOP_INTERVAL'])).to.equal(0.05);
    });
  });
});
