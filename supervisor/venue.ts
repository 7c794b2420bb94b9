// Where the bot trades: the embedded simulator in paper mode (started here, on loopback), or KuCoin
// in live mode. Either way the workers get the same settings and the same signed client.
import type { AppConfig } from '../src/config/load-config.js';
import type { Logger } from '../src/log/logger.js';
import { startSimulator, type SimulatorHandle } from '../src/simulator/simulator.js';
import { EXCHANGE_SETTINGS } from '../src/worker-runtime/worker-exchange-client.js';

export interface Venue {
  readonly url: string;
  readonly settings: Record<string, string | number>;
  readonly simulator: SimulatorHandle | undefined;
}

export async function openVenue(config: AppConfig, logger: Logger): Promise<Venue> {
  if (config.tradingMode === 'paper') {
    const simulator = await startSimulator({
      port: config.simPort,
      apiKey: config.simApiKey,
      apiSecret: config.simApiSecret,
      apiPassphrase: config.simApiPassphrase,
      balance: config.simBalance,
      seed: config.simSeed,
      speed: config.simSpeed,
      ...(config.simFaults !== '' ? { faults: config.simFaults } : {}),
    });
    logger.info('paper mode: embedded simulator listening', { url: simulator.url, contracts: simulator.symbols.length, speed: config.simSpeed });
    const c = simulator.credentials;
    return {
      url: simulator.url,
      simulator,
      settings: {
        [EXCHANGE_SETTINGS.url]: simulator.url,
        [EXCHANGE_SETTINGS.apiKey]: c.apiKey,
        [EXCHANGE_SETTINGS.apiSecret]: c.apiSecret,
        [EXCHANGE_SETTINGS.apiPassphrase]: c.apiPassphrase,
        [EXCHANGE_SETTINGS.apiKeyVersion]: 2,
      },
    };
  }
  return {
    url: config.kucoinFuturesUrl,
    simulator: undefined,
    settings: {
      [EXCHANGE_SETTINGS.url]: config.kucoinFuturesUrl,
      [EXCHANGE_SETTINGS.apiKey]: config.kucoinApiKey,
      [EXCHANGE_SETTINGS.apiSecret]: config.kucoinApiSecret,
      [EXCHANGE_SETTINGS.apiPassphrase]: config.kucoinApiPassphrase,
      [EXCHANGE_SETTINGS.apiKeyVersion]: Number(config.kucoinApiKeyVersion),
    },
  };
}
