// Time as a dependency: logic that waits takes a Clock so tests (and the simulator) decide what
// "now" is instead of the wall clock.

/** Anything that only reads the time (the store's row stamps, the health monitor). */
export interface NowClock {
  /** Milliseconds since the epoch (or any fixed origin shared by the caller's comparisons). */
  now(): number;
}

export interface Clock extends NowClock {
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The reason an aborted signal carries, or a DOMException AbortError when it carries none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

function sleeper(unref: boolean): Clock['sleep'] {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      if (unref) timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/**
 * Date.now / setTimeout looked up at call time (not captured at import), so `sinon.useFakeTimers`
 * installed after this module loads still controls it.
 */
export const systemClock: Clock = { now: () => Date.now(), sleep: sleeper(false) };

/** systemClock whose sleeps never keep the process alive (background work such as alert retries). */
export const unrefSystemClock: Clock = { now: () => Date.now(), sleep: sleeper(true) };
