// CHAOS_HOOK is a test-only switch: off by default, on only in paper mode.
import { expect } from 'chai';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';

const LIVE_CREDS = { KUCOIN_API_KEY: 'k', KUCOIN_API_SECRET: 's', KUCOIN_API_PASSPHRASE: 'p' };

describe('CHAOS_HOOK', () => {
  it('is off by default and may be switched on in paper mode', () => {
    expect(loadConfig({}, { dotenvPath: false }).chaosHook).to.equal('0');
    expect(loadConfig({ CHAOS_HOOK: '1' }, { dotenvPath: false }).chaosHook).to.equal('1');
  });

  it('rejects values other than 0 and 1', () => {
    expect(() => loadConfig({ CHAOS_HOOK: 'yes' }, { dotenvPath: false })).to.throw(ConfigError, /CHAOS_HOOK/);
  });

  it('is refused together with TRADING_MODE=live', () => {
    expect(
      loadConfig({ ...LIVE_CREDS, TRADING_MODE: 'live', CHAOS_HOOK: '0' }, { dotenvPath: false }).chaosHook,
    ).to.equal('0');
    expect(() => loadConfig({ ...LIVE_CREDS, TRADING_MODE: 'live', CHAOS_HOOK: '1' }, { dotenvPath: false })).to.throw(
      ConfigError,
      /CHAOS_HOOK=1 .*paper-mode tests only/,
    );
  });
});
