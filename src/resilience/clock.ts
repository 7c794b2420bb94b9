// Time as a dependency, in one shape: everything in the bot that reads the time or waits takes a
// Clock, so tests (test/support/manual-clock.ts, or sinon fake timers under systemClock) decide what
// "now" is and when timers fire, instead of the wall clock. Code that only reads the time asks for
// `Pick<Clock, 'now'>` so a test may hand it a fixed time.

/** A pending timer: cancel() is idempotent; unref() lets the process exit while it is pending. */
export interface TimerHandle {
  cancel(): void;
  unref(): TimerHandle;
}

export interface Clock {
  /** Wall time: milliseconds since the epoch (row stamps, report times, day boundaries). */
  now(): number;
  /** Monotonic milliseconds from an arbitrary origin: for measuring durations (never goes back). */
  monotonic(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Runs `callback` once after `ms`. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Runs `callback` every `ms` until cancelled. */
  setInterval(callback: () => void, ms: number): TimerHandle;
  /**
   * Runs `callback` once the messages already queued are handled (setImmediate: after the poll
   * phase). A judge of heartbeats must defer to it: when the main thread itself was busy, its timer
   * fires before the heartbeats that waited in the queue meanwhile, and would call them missing.
   */
  defer(callback: () => void): void;
}

/** The reason an aborted signal carries, or a DOMException AbortError when it carries none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/**
 * A sleep built on any clock's setTimeout, so every Clock implementation (real or fake) sleeps the
 * same way: settles once, and an abort cancels the timer.
 */
export function sleepOn(setTimer: Clock['setTimeout'], ms: number, signal?: AbortSignal, unref = false): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimer(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    if (unref) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function nodeHandle(timer: NodeJS.Timeout, clear: (t: NodeJS.Timeout) => void): TimerHandle {
  const handle: TimerHandle = {
    cancel: () => clear(timer),
    unref: () => {
      // sinon's fake timers return objects whose unref may be absent in older versions.
      if (typeof timer.unref === 'function') timer.unref();
      return handle;
    },
  };
  return handle;
}

function nodeClock(unrefSleeps: boolean): Clock {
  // Globals looked up at call time (not captured at import), so `sinon.useFakeTimers` installed
  // after this module loads still controls them.
  const clock: Clock = {
    now: () => Date.now(),
    monotonic: () => performance.now(),
    sleep: (ms, signal) => sleepOn(clock.setTimeout, ms, signal, unrefSleeps),
    setTimeout: (callback, ms) => nodeHandle(setTimeout(callback, Math.max(0, ms)), (t) => clearTimeout(t)),
    setInterval: (callback, ms) => nodeHandle(setInterval(callback, ms), (t) => clearInterval(t)),
    defer: (callback) => void setImmediate(callback),
  };
  return clock;
}

/** The process's clock: Date.now, performance.now and Node's timers. */
export const systemClock: Clock = nodeClock(false);

/** systemClock whose sleeps never keep the process alive (background work such as alert retries). */
export const unrefSystemClock: Clock = nodeClock(true);
