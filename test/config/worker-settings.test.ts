// One settings schema: convict runs the schema's checks, every default a worker or the supervisor
// runs with is the schema's, and a setting misspelt on its way to a worker is refused, never
// silently replaced by a fallback.
import { expect } from 'chai';
import convict from 'convict';
import { CONFIG_DEFAULTS, CONFIG_SCHEMA, type ConfigKey } from '../../config/schema.js';
import { convictFormatName, loadConfig } from '../../src/config/load-config.js';
import {
  parseWorkerSettings,
  WORKER_SETTINGS_SCHEMAS,
  type BotWorkerName,
  type ExecutorSettings,
} from '../../src/protocol/messages.js';
import { resolveSupervisorOptions, supervisionSettings } from '../../src/supervision/supervisor-options.js';
import { workerSpecs } from '../../supervisor/worker-specs.js';
import type { Venue } from '../../supervisor/venue.js';
import { SIM_DEFAULTS } from '../../src/simulator/simulator.js';
import { parseKeyPermissions } from '../../src/exchange/api-key-permissions.js';

const VENUE: Venue = {
  url: 'http://127.0.0.1:9',
  simulator: undefined,
  settings: { url: 'http://127.0.0.1:9', apiKey: 'k', apiSecret: 's', apiPassphrase: 'p', apiKeyVersion: 2 },
};
/** What the supervisor resolves at start rather than reads from a setting. */
const RESOLVED_AT_START = ['venue', 'clientRetries', 'journalFile', 'botId', 'cluster'];

function specsFor(env: Record<string, string>) {
  return workerSpecs(loadConfig(env, { dotenvPath: false }), VENUE, '/tmp/journal.sqlite', 'bot1');
}

function settingsOf(specs: ReturnType<typeof specsFor>, worker: BotWorkerName): Record<string, unknown> {
  const spec = specs.find((s) => s.name === worker);
  if (!spec?.settings) throw new Error(`no settings for ${worker}`);
  return spec.settings;
}

const executorSettings = (): ExecutorSettings =>
  parseWorkerSettings('order-executor', settingsOf(specsFor({}), 'order-executor'));

describe('one settings schema', () => {
  describe('convict does the validation', () => {
    it('rejects a bad value through the schema format registered with convict', () => {
      loadConfig({}, { dotenvPath: false }); // the loader registers the formats
      const conf = convict(
        { leverage: { default: 5, format: convictFormatName('leverage'), env: 'LEVERAGE' } },
        { env: { LEVERAGE: '500' }, args: [] },
      );
      expect(() => conf.validate({ allowed: 'strict' })).to.throw(
        `leverage: must be ${CONFIG_SCHEMA.leverage.format.allowed}`,
      );
      const ok = convict(
        { leverage: { default: 5, format: convictFormatName('leverage'), env: 'LEVERAGE' } },
        { env: { LEVERAGE: '10' }, args: [] },
      );
      expect(ok.validate({ allowed: 'strict' }).get('leverage')).to.equal(10);
    });
  });

  describe('defaults live only in the schema', () => {
    it('an empty environment gives exactly the schema defaults', () => {
      expect(loadConfig({}, { dotenvPath: false })).to.deep.equal(CONFIG_DEFAULTS);
    });

    it('every worker gets the schema default of each setting it reads, and nothing else by another name', () => {
      const specs = specsFor({});
      for (const worker of Object.keys(WORKER_SETTINGS_SCHEMAS) as BotWorkerName[]) {
        const settings = parseWorkerSettings(worker, settingsOf(specs, worker)) as Record<string, unknown>;
        for (const [key, value] of Object.entries(settings)) {
          if (RESOLVED_AT_START.includes(key)) continue;
          expect(key in CONFIG_SCHEMA, `${worker} setting ${key} is a schema key`).to.equal(true);
          expect(value, `${worker} ${key}`).to.deep.equal(CONFIG_DEFAULTS[key as ConfigKey]);
        }
      }
    });

    it('a changed setting reaches the worker that reads it', () => {
      const settings = parseWorkerSettings(
        'scanner',
        settingsOf(specsFor({ CHECK_INTERVAL: '17', MIN_CONFIDENCE: '0.8' }), 'scanner'),
      );
      expect(settings).to.include({ checkInterval: 17, minConfidence: 0.8 });
    });

    // The simulator is a venue library many tests start bare: its defaults are the schema's too.
    it('a bare simulator runs with the schema defaults of the SIM_* settings', () => {
      expect({
        apiKey: SIM_DEFAULTS.apiKey,
        apiSecret: SIM_DEFAULTS.apiSecret,
        apiPassphrase: SIM_DEFAULTS.apiPassphrase,
        balance: SIM_DEFAULTS.balance,
        seed: SIM_DEFAULTS.seed,
        speed: SIM_DEFAULTS.speed,
        profile: SIM_DEFAULTS.profile,
        keyPermissions: [...SIM_DEFAULTS.keyPermissions],
      }).to.deep.equal({
        apiKey: CONFIG_DEFAULTS.simApiKey,
        apiSecret: CONFIG_DEFAULTS.simApiSecret,
        apiPassphrase: CONFIG_DEFAULTS.simApiPassphrase,
        balance: CONFIG_DEFAULTS.simBalance,
        seed: CONFIG_DEFAULTS.simSeed,
        speed: CONFIG_DEFAULTS.simSpeed,
        profile: CONFIG_DEFAULTS.simProfile,
        keyPermissions: parseKeyPermissions(CONFIG_DEFAULTS.simKeyPermissions),
      });
    });

    it('the supervisor defaults are the schema supervision settings', () => {
      expect(resolveSupervisorOptions()).to.include(supervisionSettings(CONFIG_DEFAULTS));
      expect(supervisionSettings(CONFIG_DEFAULTS).progressTimeoutMs).to.equal(
        CONFIG_SCHEMA.progressTimeout.default * 1000,
      );
    });
  });

  describe('a misspelt setting cannot reach a worker', () => {
    it('is a compile error where the supervisor builds the settings', () => {
      const good = executorSettings();
      // @ts-expect-error LEVRAGE is not a setting of the executor: tsc refuses the object literal.
      const typo: ExecutorSettings = { ...good, levrage: 10 };
      expect(typo).to.have.property('levrage');
    });

    it('is refused by the worker at init, naming the key', () => {
      const good = executorSettings();
      expect(() => parseWorkerSettings('order-executor', { ...good, levrage: 10 })).to.throw(
        TypeError,
        /order-executor settings rejected: .*levrage/,
      );
    });

    it('a setting the worker reads that is missing is refused, not defaulted', () => {
      const { leverage: _dropped, ...withoutLeverage } = executorSettings();
      expect(() => parseWorkerSettings('order-executor', withoutLeverage)).to.throw(TypeError, /leverage/);
      const scanner = parseWorkerSettings('scanner', settingsOf(specsFor({}), 'scanner'));
      expect(() => parseWorkerSettings('scanner', { ...scanner, checkInterval: '60' })).to.throw(
        TypeError,
        /checkInterval/,
      );
    });
  });
});
