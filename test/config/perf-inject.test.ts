// PERF_INJECT: parsing, clear errors, and refused with live trading like the other fault hooks.
import { expect } from 'chai';
import { parsePerfInject } from '../../config/perf-inject.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('PERF_INJECT', () => {
  it('parses block, leak and an end time per worker', () => {
    expect(parsePerfInject('')).to.deep.equal([]);
    expect(parsePerfInject('scanner:block=150')).to.deep.equal([
      { worker: 'scanner', blockMs: 150, leakMb: 0, forSeconds: null },
    ]);
    expect(parsePerfInject('position-monitor:leak=1:for=30, scanner:block=20')).to.deep.equal([
      { worker: 'position-monitor', blockMs: 0, leakMb: 1, forSeconds: 30 },
      { worker: 'scanner', blockMs: 20, leakMb: 0, forSeconds: null },
    ]);
  });

  it('names what is wrong', () => {
    expect(() => parsePerfInject('scanner:spin=10')).to.throw(/<worker>:block=<ms>/);
    expect(() => parsePerfInject('supervisor:block=10')).to.throw(
      /worker must be one of scanner, position-monitor, order-executor/,
    );
    expect(() => parsePerfInject('scanner:block=0')).to.throw(/block must be 1\.\.10000 ms/);
    expect(() => parsePerfInject('scanner:leak=500')).to.throw(/at most 100 MB/);
  });

  it('is refused with TRADING_MODE=live and rejected when malformed', () => {
    const live = {
      TRADING_MODE: 'live',
      KUCOIN_API_KEY: 'k',
      KUCOIN_API_SECRET: 's',
      KUCOIN_API_PASSPHRASE: 'p',
      PERF_INJECT: 'scanner:block=150',
    };
    expect(() => loadConfig(live, { dotenvPath: false })).to.throw(/PERF_INJECT .* paper mode only/);
    expect(() => loadConfig({ PERF_INJECT: 'scanner:block' }, { dotenvPath: false })).to.throw(/PERF_INJECT/);
    expect(loadConfig({ PERF_INJECT: 'scanner:block=150:for=20' }, { dotenvPath: false }).perfInject).to.equal(
      'scanner:block=150:for=20',
    );
  });
});
