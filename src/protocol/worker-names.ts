// The long-lived workers the bot runs. The protocol itself carries names as plain strings so test
// fixtures can use their own; these are the names production wiring and STALL_INJECT refer to.
export const WORKER_NAMES = ['scanner', 'position-monitor', 'order-executor'] as const;
export type WorkerName = (typeof WORKER_NAMES)[number];

/** The one worker that serves the executor API to its peers. */
export const EXECUTOR_WORKER: WorkerName = 'order-executor';
