// STALL_INJECT=<worker>:<seconds>: a fault hook that makes one worker busy-loop once, for demos and
// deployment checks of stall detection.
export const STALLABLE_WORKERS = ['scanner', 'position-monitor', 'order-executor'] as const;
export type StallableWorker = (typeof STALLABLE_WORKERS)[number];

export interface StallInjection {
  readonly worker: StallableWorker;
  readonly afterSeconds: number;
}

/** Parses the hook; '' means off. Throws an error naming what is wrong. */
export function parseStallInject(raw: string): StallInjection | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  const match = /^([a-z-]+):(\d+(?:\.\d+)?)$/.exec(value);
  if (!match) throw new Error(`STALL_INJECT must look like <worker>:<seconds>, got '${raw}'`);
  const [, worker, secs] = match;
  if (!(STALLABLE_WORKERS as readonly string[]).includes(worker ?? '')) {
    throw new Error(`STALL_INJECT worker must be one of ${STALLABLE_WORKERS.join(', ')}, got '${worker}'`);
  }
  return { worker: worker as StallableWorker, afterSeconds: Number(secs) };
}
