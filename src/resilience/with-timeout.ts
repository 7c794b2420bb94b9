// Runs one attempt under a deadline. The attempt gets its own AbortSignal, aborted (with an
// AttemptTimeoutError) when the deadline passes or with the outer signal's reason when the caller
// cancels, and the returned promise rejects at that moment even if fn ignores its signal.
import { abortReason, type Clock, systemClock } from './clock.js';
import { AttemptTimeoutError } from './timeout-error.js';

export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number | undefined,
  options: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<T> {
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`withTimeout: option "timeoutMs" must be a finite number > 0, got ${timeoutMs}`);
  }
  const clock = options.clock ?? systemClock;
  const outer = options.signal;
  const attempt = new AbortController();
  const timer = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const cleanup = (): void => {
      timer.abort();
      outer?.removeEventListener('abort', onOuterAbort);
    };
    const fail = (reason: unknown): void => {
      cleanup();
      attempt.abort(reason);
      reject(reason);
    };
    function onOuterAbort(): void {
      fail(abortReason(outer as AbortSignal));
    }
    if (outer?.aborted) {
      fail(abortReason(outer));
      return;
    }
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    if (timeoutMs !== undefined) {
      // Cancelling the timer's own signal rejects the sleep; that is the normal path, ignore it.
      clock.sleep(timeoutMs, timer.signal).then(
        () => fail(new AttemptTimeoutError(timeoutMs)),
        () => undefined,
      );
    }
    let started: Promise<T>;
    try {
      started = fn(attempt.signal);
    } catch (error) {
      started = Promise.reject(error);
    }
    started.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
