// "The same alert at most once per ALERT_COOLDOWN": remembers when each kind+subject was last let
// through and how many repeats were held back since, so the next one can say so.
import type { Clock } from '../resilience/clock.js';

export type CooldownDecision =
  | { readonly send: true /** Repeats held back since the previous one that was sent. */; readonly suppressed: number }
  | { readonly send: false };

interface Entry {
  lastSentAt: number;
  suppressed: number;
}

export class AlertCooldown {
  private readonly entries = new Map<string, Entry>();

  /**
   * @param maxKeys bound on remembered keys; past it, keys whose cooldown has expired are dropped
   *   (they would be let through anyway).
   */
  constructor(
    readonly cooldownMs: number,
    private readonly clock: Clock,
    private readonly maxKeys = 1000,
  ) {
    if (!(Number.isFinite(cooldownMs) && cooldownMs >= 0)) {
      throw new RangeError(`AlertCooldown: option "cooldownMs" must be a finite number >= 0, got ${cooldownMs}`);
    }
  }

  check(key: string): CooldownDecision {
    const now = this.clock.now();
    const entry = this.entries.get(key);
    if (entry !== undefined && now - entry.lastSentAt < this.cooldownMs) {
      entry.suppressed += 1;
      return { send: false };
    }
    const suppressed = entry?.suppressed ?? 0;
    if (entry === undefined) {
      if (this.entries.size >= this.maxKeys) this.prune(now);
      this.entries.set(key, { lastSentAt: now, suppressed: 0 });
    } else {
      entry.lastSentAt = now;
      entry.suppressed = 0;
    }
    return { send: true, suppressed };
  }

  /** Forgets a key, e.g. after the condition cleared, so its next occurrence is reported at once. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [key, e] of this.entries) if (now - e.lastSentAt >= this.cooldownMs) this.entries.delete(key);
    // Still full (a flood of distinct subjects): drop the oldest insertion.
    if (this.entries.size >= this.maxKeys) {
      const first = this.entries.keys().next();
      if (first.done !== true) this.entries.delete(first.value);
    }
  }
}
