// Backoff options shared by ExponentialBackoff, retryWithBackoff and safeApiCall: one interface,
// one defaults constant, one validation pass whose errors name the offending field.

export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  baseDelay?: number;
  /** Upper bound for any single delay, in milliseconds (jitter never exceeds it). */
  maxDelay?: number;
  /** Retries after the first attempt; the call runs at most maxRetries + 1 times. */
  maxRetries?: number;
  /** Growth per retry: delay n = baseDelay * factor^n, capped at maxDelay. */
  factor?: number;
  /**
   * A fraction in [0, 1], not a boolean: 0.1 spreads each delay uniformly over ±10 % of its
   * nominal value (then capped at maxDelay), so synchronized clients do not retry in lockstep.
   * 0 turns jitter off.
   */
  jitter?: number;
}

export type ResolvedBackoffOptions = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: Readonly<ResolvedBackoffOptions> = {
  baseDelay: 1000,
  maxDelay: 30_000,
  maxRetries: 5,
  factor: 2,
  jitter: 0.1,
};

function check(ok: boolean, owner: string, field: string, rule: string, value: unknown): void {
  if (!ok) throw new RangeError(`${owner}: option "${field}" must be ${rule}, got ${String(value)}`);
}

/** Fills defaults and validates once; `owner` prefixes error messages (e.g. "ExponentialBackoff"). */
export function resolveBackoffOptions(options: BackoffOptions = {}, owner = 'backoff'): ResolvedBackoffOptions {
  const o: ResolvedBackoffOptions = { ...DEFAULT_BACKOFF };
  // Copy only defined values so an explicit `undefined` keeps the default.
  for (const key of Object.keys(DEFAULT_BACKOFF) as (keyof BackoffOptions)[]) {
    const v = options[key];
    if (v !== undefined) o[key] = v;
  }
  check(Number.isFinite(o.baseDelay) && o.baseDelay >= 0, owner, 'baseDelay', 'a finite number >= 0', o.baseDelay);
  check(
    Number.isFinite(o.maxDelay) && o.maxDelay >= o.baseDelay,
    owner,
    'maxDelay',
    `a finite number >= baseDelay (${o.baseDelay})`,
    o.maxDelay,
  );
  check(Number.isInteger(o.maxRetries) && o.maxRetries >= 0, owner, 'maxRetries', 'an integer >= 0', o.maxRetries);
  check(Number.isFinite(o.factor) && o.factor >= 1, owner, 'factor', 'a finite number >= 1', o.factor);
  check(
    typeof o.jitter === 'number' && o.jitter >= 0 && o.jitter <= 1,
    owner,
    'jitter',
    'a fraction in [0, 1]',
    o.jitter,
  );
  return o;
}

/**
 * The delay before retry number `retryIndex` (0 = first retry): exponential, capped, jittered.
 * Pure, so adaptive policies can compute delays without owning an ExponentialBackoff.
 */
export function backoffDelay(
  o: ResolvedBackoffOptions,
  retryIndex: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(o.maxDelay, o.baseDelay * o.factor ** retryIndex);
  if (o.jitter === 0) return nominal;
  const spread = nominal * o.jitter * (2 * random() - 1);
  return Math.min(o.maxDelay, Math.max(0, nominal + spread));
}
