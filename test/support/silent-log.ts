// A worker log that drops everything: for loops whose log lines are not what the test is about.
import type { WorkerLog } from '../../src/worker-runtime/worker-log.js';

export const silentLog: WorkerLog = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};
