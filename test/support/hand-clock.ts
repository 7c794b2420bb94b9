// A ManualClock whose sleeps return at once without moving time: for loops (scanner, position
// guard) whose waits are not what the test is about; the test moves time itself with advance().
import { abortReason } from '../../src/resilience/clock.js';
import { ManualClock } from './manual-clock.js';

export class HandClock extends ManualClock {
  constructor(t = Date.UTC(2024, 0, 10)) {
    super(t);
  }

  override sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return signal?.aborted ? Promise.reject(abortReason(signal)) : Promise.resolve();
  }
}
