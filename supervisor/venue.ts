// Where the bot trades: the embedded simulator in paper mode (started here, on loopback), or KuCoin
// in live mode. Either way the workers get the same settings and the same signed client.
import type { AppConfig } from '../src/config/load-config.js';
import type { Logger } from '../src/log/logger.js';
import { parseKeyPermissions } from '../src/exchange/api-key-permissions.js';
import { startSimulator, type SimulatorHandle } from '../src/simulator/simulator.js';
import { parseIpWhitelist } from '../src/simulator/simulator-env.js';
import type { VenueSettings } from '../src/protocol/messages.js';

export interface Venue {
  readonly url: string;
  /** What every worker needs to reach the venue (part of its `init` settings). */
  readonly settings: VenueSettings;
  readonly simulator: SimulatorHandle | undefined;
}

export async function openVenue(config: AppConfig, logger: Logger): Promise<Venue> {
  if (config.tradingMode === 'paper' && config.simUrl !== '') {
    logger.info('paper mode: using the simulator already running', { url: config.simUrl });
    return { url: config.simUrl, simulator: undefined, settings: simulatorSettings(config.simUrl, config) };
  }
  if (config.tradingMode === 'paper') {
    const simulator = await startSimulator({
      port: config.simPort,
      apiKey: config.simApiKey,
      apiSecret: config.simApiSecret,
      apiPassphrase: config.simApiPassphrase,
      balance: config.simBalance,
      seed: config.simSeed,
      speed: config.simSpeed,
      profile: config.simProfile,
      ...(config.simFaults !== '' ? { faults: config.simFaults } : {}),
      keyPermissions: parseKeyPermissions(config.simKeyPermissions),
      ...(config.simKeyIpWhitelist !== '' ? { ipWhitelist: parseIpWhitelist(config.simKeyIpWhitelist) } : {}),
    });
    logger.info('paper mode: embedded simulator listening', {
      url: simulator.url,
      contracts: simulator.symbols.length,
      speed: config.simSpeed,
    });
    return { url: simulator.url, simulator, settings: simulatorSettings(simulator.url, config) };
  }
  return {
    url: config.kucoinFuturesUrl,
    simulator: undefined,
    settings: {
      url: config.kucoinFuturesUrl,
      apiKey: config.kucoinApiKey,
      apiSecret: config.kucoinApiSecret,
      apiPassphrase: config.kucoinApiPassphrase,
      apiKeyVersion: KEY_VERSIONS[config.kucoinApiKeyVersion],
    },
  };
}

const KEY_VERSIONS = { '1': 1, '2': 2, '3': 3 } as const;

/** The simulator checks key-version-2 signatures. */
function simulatorSettings(url: string, config: AppConfig): VenueSettings {
  return {
    url,
    apiKey: config.simApiKey,
    apiSecret: config.simApiSecret,
    apiPassphrase: config.simApiPassphrase,
    apiKeyVersion: 2,
  };
}
