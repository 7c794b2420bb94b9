// Turns each evaluation's findings into a stable list of active suggestions: one is raised the
// first time a (rule, thread) appears (onRaised fires once, for the alert) and cleared only after
// its condition has been absent for a full window, so a flapping figure does not flap the alert.
import { EventEmitter, type Event } from '../health/event.js';
import type { Suggestion } from './suggestion.js';

export interface ActiveSuggestion extends Suggestion {
  /** Epoch ms when it was raised. */
  readonly raisedAt: number;
  /** Epoch ms of the last evaluation that still found it. */
  readonly lastSeenAt: number;
}

const key = (s: Pick<Suggestion, 'id' | 'thread'>): string => `${s.id}\u0000${s.thread}`;

export class SuggestionTracker {
  private readonly active = new Map<string, ActiveSuggestion>();
  private readonly raisedEmitter = new EventEmitter<ActiveSuggestion>();
  private readonly clearedEmitter = new EventEmitter<ActiveSuggestion>();

  readonly onRaised: Event<ActiveSuggestion> = this.raisedEmitter.event;
  readonly onCleared: Event<ActiveSuggestion> = this.clearedEmitter.event;

  constructor(private readonly windowMs: number) {
    if (!(windowMs > 0)) throw new RangeError(`SuggestionTracker: windowMs must be positive, got ${windowMs}`);
  }

  /** Applies one evaluation's findings at `now`; returns the active suggestions, worst first. */
  update(found: readonly Suggestion[], now: number): ActiveSuggestion[] {
    const seen = new Set<string>();
    for (const s of found) {
      const k = key(s);
      if (seen.has(k)) continue;
      seen.add(k);
      const prev = this.active.get(k);
      const next: ActiveSuggestion = { ...s, raisedAt: prev?.raisedAt ?? now, lastSeenAt: now };
      this.active.set(k, next);
      if (!prev) this.raisedEmitter.emit(next);
    }
    for (const [k, s] of this.active) {
      if (seen.has(k) || now - s.lastSeenAt < this.windowMs) continue;
      this.active.delete(k);
      this.clearedEmitter.emit(s);
    }
    return this.list();
  }

  list(): ActiveSuggestion[] {
    const rank = { critical: 0, warning: 1, info: 2 } as const;
    return [...this.active.values()].sort((a, b) => rank[a.severity] - rank[b.severity] || a.raisedAt - b.raisedAt);
  }
}
