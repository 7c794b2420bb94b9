// Deterministic synthetic candles for the scan benchmark: a seeded random walk per symbol with its
// own drift and volatility, so every run analyses exactly the same data.
import { mulberry32 } from '../src/simulator/rng.js';
import type { IndicatorTaskInput, Kline } from '../src/strategy/signal-types.js';

const MINUTE_MS = 60_000;
const START_MS = Date.UTC(2024, 0, 1);

export function syntheticKlines(seed: number, candles: number): Kline[] {
  const random = mulberry32(seed);
  const drift = (random() - 0.5) * 0.004;
  const vol = 0.002 + random() * 0.01;
  let close = 1 + random() * 50_000;
  const out: Kline[] = [];
  for (let i = 0; i < candles; i++) {
    const open = close;
    close = Math.max(open * (1 + drift + (random() - 0.5) * 2 * vol), 1e-6);
    const high = Math.max(open, close) * (1 + random() * vol);
    const low = Math.min(open, close) * (1 - random() * vol);
    out.push({ time: START_MS + i * MINUTE_MS, open, high, low, close, volume: 100 + random() * 10_000 });
  }
  return out;
}

/** `count` contracts named SYN0000USDTM…, `candles` candles each. */
export function syntheticScan(count: number, candles: number): IndicatorTaskInput[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: `SYN${String(i).padStart(4, '0')}USDTM`,
    klines: syntheticKlines(1000 + i, candles),
  }));
}
