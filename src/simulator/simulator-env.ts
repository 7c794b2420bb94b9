// The standalone simulator's settings, read through the bot's one configuration schema (so a bad
// value fails with the same error that names every bad key, and `.env` works the same way).
import { loadConfig } from '../config/load-config.js';
import { parseKeyPermissions, type KeyPermission } from '../exchange/api-key-permissions.js';
import { parseFaultSpec, type FaultSpec } from '../../config/fault-spec.js';
import type { MarketProfile } from '../../config/market-profiles.js';

export interface SimulatorEnv {
  readonly port: number;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiPassphrase: string;
  readonly balance: number;
  readonly seed: number;
  readonly speed: number;
  readonly profile: MarketProfile;
  readonly faults: FaultSpec;
  readonly keyPermissions: readonly KeyPermission[];
  /** Empty: the key reports no IP whitelist (and accepts any address). */
  readonly ipWhitelist: readonly string[];
}

/** SIM_KEY_IP_WHITELIST as a list ("" -> []). */
export function parseIpWhitelist(raw: string): string[] {
  return raw
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

/** `.env` is read only for the real process environment: an explicit env object stays hermetic. */
export function readSimulatorEnv(env: NodeJS.ProcessEnv = process.env): SimulatorEnv {
  const c = loadConfig(env, { dotenvPath: env === process.env ? '.env' : false });
  return {
    port: c.simPort,
    apiKey: c.simApiKey,
    apiSecret: c.simApiSecret,
    apiPassphrase: c.simApiPassphrase,
    balance: c.simBalance,
    seed: c.simSeed,
    speed: c.simSpeed,
    profile: c.simProfile,
    faults: parseFaultSpec(c.simFaults),
    keyPermissions: parseKeyPermissions(c.simKeyPermissions),
    ipWhitelist: parseIpWhitelist(c.simKeyIpWhitelist),
  };
}
