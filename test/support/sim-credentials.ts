// The API key a started simulator accepts, in the shape the bot's client takes.
import type { ApiCredentials } from '../../src/exchange/credentials.js';
import type { SimulatorHandle } from '../../src/simulator/simulator.js';

export function simCredentials(
  sim: Pick<SimulatorHandle, 'credentials'>,
  overrides: Partial<ApiCredentials> = {},
): ApiCredentials {
  const c = sim.credentials;
  return { key: c.apiKey, secret: c.apiSecret, passphrase: c.apiPassphrase, ...overrides };
}
