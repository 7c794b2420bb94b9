// The store stamps rows with an injected clock so tests can pin times (e.g. either side of UTC
// midnight); it only reads the time, so any NowClock will do.
export type { NowClock as Clock } from '../resilience/clock.js';
export { systemClock } from '../resilience/clock.js';
