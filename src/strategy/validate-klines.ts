// Rejects candles that would poison the indicator maths: one NaN propagates through every EMA that
// follows it, and a zero price turns ratios into Infinity. The scanner gets a reason instead.

import type { Kline } from './signal-types.js';

export type KlineCheck = { ok: true } | { ok: false; reason: string };

const PRICE_FIELDS = ['open', 'high', 'low', 'close'] as const;

export function validateKlines(klines: unknown): KlineCheck {
  if (!Array.isArray(klines)) return { ok: false, reason: 'klines is not an array' };
  let prevTime = -Infinity;
  for (let i = 0; i < klines.length; i++) {
    const k: unknown = klines[i];
    if (typeof k !== 'object' || k === null) return { ok: false, reason: `kline[${i}] is not an object` };
    const row = k as Record<string, unknown>;
    for (const field of PRICE_FIELDS) {
      const v = row[field];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        return { ok: false, reason: `kline[${i}].${field} must be a positive finite number, got ${String(v)}` };
      }
    }
    // A candle with no trades is legitimate on quiet contracts, so volume may be zero but not negative.
    const volume = row['volume'];
    if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0) {
      return { ok: false, reason: `kline[${i}].volume must be a finite number >= 0, got ${String(volume)}` };
    }
    const time = row['time'];
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      return { ok: false, reason: `kline[${i}].time must be a finite number, got ${String(time)}` };
    }
    if (time <= prevTime) {
      return {
        ok: false,
        reason: `kline[${i}].time ${time} is not after the previous candle (${prevTime}); klines must be oldest first`,
      };
    }
    prevTime = time;
    const { open, high, low, close } = row as unknown as Kline;
    if (high < Math.max(open, close, low) || low > Math.min(open, close)) {
      return {
        ok: false,
        reason: `kline[${i}] is inconsistent: high ${high} / low ${low} do not bound open ${open} and close ${close}`,
      };
    }
  }
  return { ok: true };
}
