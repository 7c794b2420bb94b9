// The store stamps rows with an injected clock so tests can pin times (e.g. either side of UTC
// midnight) and the simulator can run the bot on its own time.

export interface Clock {
  /** Milliseconds since the Unix epoch, as an integer. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
