// Reads the standalone simulator's settings from the environment, with errors that name the key.
import { parseFaultSpec, type FaultSpec } from './fault-spec.js';
import { SIM_DEFAULTS } from './simulator.js';

export interface SimulatorEnv {
  readonly port: number;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiPassphrase: string;
  readonly balance: number;
  readonly seed: number;
  readonly speed: number;
  readonly faults: FaultSpec;
}

function numberFrom(env: NodeJS.ProcessEnv, key: string, fallback: number, check: (n: number) => boolean, expect: string): number {
  const raw = env[key];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`${key}=${JSON.stringify(raw)}: expected ${expect}`);
  return n;
}

function textFrom(env: NodeJS.ProcessEnv, key: string, fallback: string): string {
  const raw = env[key];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') throw new Error(`${key} is set but empty`);
  return raw;
}

export function readSimulatorEnv(env: NodeJS.ProcessEnv = process.env): SimulatorEnv {
  let faults: FaultSpec;
  try {
    faults = parseFaultSpec(env['SIM_FAULTS'] ?? '');
  } catch (err) {
    throw new Error(`SIM_FAULTS: ${(err as Error).message}`);
  }
  return {
    port: numberFrom(env, 'SIM_PORT', 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'an integer port 0..65535 (0 = ephemeral)'),
    apiKey: textFrom(env, 'SIM_API_KEY', SIM_DEFAULTS.apiKey),
    apiSecret: textFrom(env, 'SIM_API_SECRET', SIM_DEFAULTS.apiSecret),
    apiPassphrase: textFrom(env, 'SIM_API_PASSPHRASE', SIM_DEFAULTS.apiPassphrase),
    balance: numberFrom(env, 'SIM_BALANCE', SIM_DEFAULTS.balance, (n) => n >= 0, 'a USDT amount >= 0'),
    seed: numberFrom(env, 'SIM_SEED', SIM_DEFAULTS.seed, (n) => Number.isInteger(n), 'an integer seed'),
    speed: numberFrom(env, 'SIM_SPEED', SIM_DEFAULTS.speed, (n) => n > 0, 'a positive speed factor'),
    faults,
  };
}
