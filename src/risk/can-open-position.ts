// Portfolio-level entry gate: kill switch, one position per symbol, MAX_OPEN_POSITIONS.

export interface CanOpenInput {
  /** Symbols with an open position (or an entry in flight). */
  openPositions: readonly string[];
  symbol: string;
  maxOpenPositions: number;
  killSwitchActive: boolean;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export function canOpenPosition(input: CanOpenInput): Verdict {
  const { openPositions, symbol, maxOpenPositions, killSwitchActive } = input;
  // Checked first and strictly: anything but an explicit false keeps the bot from opening.
  if (killSwitchActive !== false) return { ok: false, reason: 'kill switch is active: no new positions today' };
  if (typeof symbol !== 'string' || symbol.length === 0)
    return { ok: false, reason: `symbol must be a non-empty string, got ${String(symbol)}` };
  if (!Number.isInteger(maxOpenPositions) || maxOpenPositions < 0) {
    return { ok: false, reason: `maxOpenPositions must be an integer >= 0, got ${maxOpenPositions}` };
  }
  if (openPositions.includes(symbol)) return { ok: false, reason: `a position in ${symbol} is already open` };
  // Count distinct symbols so a duplicated entry in the list cannot inflate or deflate the count.
  const open = new Set(openPositions).size;
  if (open >= maxOpenPositions) {
    return { ok: false, reason: `maxOpenPositions reached: ${open} open, limit ${maxOpenPositions}` };
  }
  return { ok: true };
}
