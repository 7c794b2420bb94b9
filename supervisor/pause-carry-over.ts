// An embedded paper run starts on a fresh journal (journal-file.ts), but the operator's pause is not
// market state: a paused bot stays paused across restarts. So the pause in force in the archived
// journal is carried over into the new one, marked as such.
import { Store } from '../src/store/index.js';

export function carryOverPause(
  archivedJournal: string,
  store: Store,
  logger: { warn(message: string, meta?: Record<string, unknown>): unknown },
): void {
  let previous: Store | undefined;
  try {
    previous = Store.open({ path: archivedJournal });
    const pause = previous.commands.pausedSince();
    if (pause === null) return;
    store.commands.record({
      source: 'restart',
      command: 'pause',
      ok: true,
      detail: `carried over from the previous run (paused ${new Date(pause.at).toISOString()} via ${pause.source})`,
    });
    logger.warn('entries stay paused: the previous run was paused by the operator', {
      pausedAt: new Date(pause.at).toISOString(),
    });
  } catch (err) {
    logger.warn("could not read the previous run's pause switch", { error: (err as Error).message });
  } finally {
    previous?.close();
  }
}
