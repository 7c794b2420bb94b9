// The one condition wait for tests: poll `probe` until it yields a value (anything but undefined or
// false), so a test waits on what it needs (a venue POST count, a log line, a state) and never on a
// duration. The timeout only bounds a test that is going to fail; its error names what was awaited.
// A probe that throws is retried (e.g. a connection refused while a process is still starting).

export interface WaitOptions {
  /** Give up after this long (a failure bound, not a wait). */
  readonly timeoutMs: number;
  /** Poll interval. Default 200 ms (probes that spawn a CLI or load a page); cheap probes pass less. */
  readonly intervalMs?: number;
  /** Extra text for the timeout error (e.g. the last lines of a child's output). */
  readonly diagnostics?: () => string;
  /** Checked after every miss: a reason (e.g. "the bot exited") ends the wait at once with that error. */
  readonly failIf?: () => string | undefined;
}

export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions,
): Promise<Exclude<T, undefined | false>> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    } catch (error) {
      lastError = error;
    }
    const failed = options.failIf?.();
    if (failed !== undefined) {
      const extra = options.diagnostics ? `\n${options.diagnostics()}` : '';
      throw new Error(`${failed} while waiting for ${what}${extra}`);
    }
    if (performance.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const extra = options.diagnostics ? `\n${options.diagnostics()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}${extra}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
