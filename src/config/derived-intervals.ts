// Intervals the bot derives from its settings, in one place so the start-up checks and the workers
// agree on them.

/** Seconds between the executor's reconciliations: 5 position updates, kept between 1 s and 30 s. */
export function reconcileIntervalSeconds(positionUpdateInterval: number): number {
  return Math.min(30, Math.max(1, positionUpdateInterval * 5));
}
