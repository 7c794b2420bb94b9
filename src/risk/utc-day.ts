// The trading day for the daily loss limit runs from UTC midnight to UTC midnight.

export const DAY_MS = 86_400_000;

/** Epoch ms of the UTC midnight that starts the day containing `nowMs`. */
export function utcDayStart(nowMs: number): number {
  if (!Number.isFinite(nowMs)) throw new RangeError(`time must be finite, got ${nowMs}`);
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

/** Epoch ms of the next UTC midnight after `nowMs` (a time exactly at midnight belongs to the new day). */
export function nextUtcMidnight(nowMs: number): number {
  return utcDayStart(nowMs) + DAY_MS;
}
