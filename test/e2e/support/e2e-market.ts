// The simulated market every e2e test trades: fast (SIM_SPEED-like factor), trending, seeded.
// Chosen by measurement: with 1-minute klines and a 2 s scan interval the bot opens its first
// positions within ~2 s of start and closes some within ~5 s.
import type { SimulatorOptions } from '../../../src/simulator/simulator.js';

export const E2E_MARKET: SimulatorOptions = { speed: 300, seed: 42, profile: 'trending' };
