// Circuit breaker: CLOSED counts consecutive failures; at the threshold it OPENs and fails fast;
// after recoveryTimeout it is HALF_OPEN and lets exactly one probe through: success closes it,
// failure reopens it at once. The OPEN -> HALF_OPEN move is lazy (checked on execute/getState),
// so an idle breaker holds no timers.
//
// Critical calls (closing positions, stop orders) bypass an OPEN or HALF_OPEN breaker: the
// original bot's breaker blocked recovery, and a closing order must never be refused locally.
// So that they cannot wedge the breaker, their outcome while not CLOSED is NOT recorded: a failure
// neither restarts the recovery timer nor counts, a success does not close it, and they never
// take the single probe slot. While CLOSED, critical calls are recorded like any other call.
import { CircuitOpenError } from './circuit-open-error.js';
import { type Clock, systemClock } from './clock.js';
import { EventEmitter } from './event.js';

export type CircuitStateName = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

type State =
  | { readonly kind: 'CLOSED'; readonly failures: number }
  | { readonly kind: 'OPEN'; readonly failures: number; readonly openedAt: number }
  | { readonly kind: 'HALF_OPEN'; readonly failures: number; readonly probing: boolean };

export interface CircuitStateChange {
  readonly from: CircuitStateName;
  readonly to: CircuitStateName;
  readonly at: number;
  readonly failures: number;
  readonly reason: 'threshold' | 'recovery-timeout' | 'probe-succeeded' | 'probe-failed' | 'reset';
}

export interface CircuitBreakerSnapshot {
  readonly state: CircuitStateName;
  /** Consecutive failures recorded (kept while OPEN/HALF_OPEN, 0 once closed). */
  readonly failures: number;
  /** Clock reading of the last recorded failure, null if none since the last close. */
  readonly lastFailureAt: number | null;
  readonly threshold: number;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (integer >= 1, default 5). */
  failureThreshold?: number;
  /** Milliseconds the circuit stays OPEN before allowing one probe (default 30 000). */
  recoveryTimeout?: number;
  clock?: Clock;
  /** Shown in CircuitOpenError messages and useful in logs. */
  name?: string;
}

export interface ExecuteOptions {
  /** Bypass an OPEN/HALF_OPEN breaker (see the file header). */
  critical?: boolean;
}

function assertNever(x: never): never {
  throw new Error(`unreachable circuit state ${JSON.stringify(x)}`);
}

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly recoveryTimeout: number;
  readonly name: string | undefined;
  private readonly clock: Clock;
  private state: State = { kind: 'CLOSED', failures: 0 };
  /** Bumped on every transition; a call's outcome counts only within the epoch it started in. */
  private epoch = 0;
  private lastFailureAt: number | null = null;
  private readonly changes = new EventEmitter<CircuitStateChange>();
  /** Subscribe to state transitions; returns a disposable. */
  readonly onStateChange = this.changes.subscribe;

  constructor(options: CircuitBreakerOptions = {}) {
    const { failureThreshold = 5, recoveryTimeout = 30_000 } = options;
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
      throw new RangeError(
        `CircuitBreaker: option "failureThreshold" must be an integer >= 1, got ${failureThreshold}`,
      );
    }
    if (!Number.isFinite(recoveryTimeout) || recoveryTimeout < 0) {
      throw new RangeError(
        `CircuitBreaker: option "recoveryTimeout" must be a finite number >= 0 (ms), got ${recoveryTimeout}`,
      );
    }
    this.failureThreshold = failureThreshold;
    this.recoveryTimeout = recoveryTimeout;
    this.clock = options.clock ?? systemClock;
    this.name = options.name;
  }

  getState(): CircuitBreakerSnapshot {
    const s = this.current();
    return { state: s.kind, failures: s.failures, lastFailureAt: this.lastFailureAt, threshold: this.failureThreshold };
  }

  async execute<T>(fn: () => Promise<T>, options: ExecuteOptions = {}): Promise<T> {
    const s = this.current();
    if (options.critical && s.kind !== 'CLOSED') return fn();
    switch (s.kind) {
      case 'CLOSED':
        return this.run(fn);
      case 'OPEN':
        throw new CircuitOpenError(Math.max(0, s.openedAt + this.recoveryTimeout - this.clock.now()), this.name);
      case 'HALF_OPEN': {
        if (s.probing) throw new CircuitOpenError(0, this.name);
        // Taking the probe slot is not a transition: the probe's outcome belongs to this epoch.
        this.state = { kind: 'HALF_OPEN', failures: s.failures, probing: true };
        return this.run(fn);
      }
      default:
        return assertNever(s);
    }
  }

  /** Back to CLOSED with no recorded failures. */
  reset(): void {
    this.lastFailureAt = null;
    this.transition({ kind: 'CLOSED', failures: 0 }, 'reset');
  }

  /**
   * Runs fn and records its outcome only if no transition happened meanwhile: a late result from
   * before a reset or a reopen must not flip the breaker (concurrent CLOSED calls all count).
   */
  private async run<T>(fn: () => Promise<T>): Promise<T> {
    const epoch = this.epoch;
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      if (this.epoch === epoch) this.recordFailure(this.state);
      throw error;
    }
    if (this.epoch === epoch) {
      const s = this.state;
      if (s.kind === 'HALF_OPEN') this.transition({ kind: 'CLOSED', failures: 0 }, 'probe-succeeded');
      else if (s.kind === 'CLOSED' && s.failures > 0) this.state = { kind: 'CLOSED', failures: 0 };
    }
    return result;
  }

  private recordFailure(s: State): void {
    const now = this.clock.now();
    this.lastFailureAt = now;
    const failures = s.failures + 1;
    if (s.kind === 'HALF_OPEN') this.transition({ kind: 'OPEN', failures, openedAt: now }, 'probe-failed');
    else if (failures >= this.failureThreshold) this.transition({ kind: 'OPEN', failures, openedAt: now }, 'threshold');
    else this.state = { kind: 'CLOSED', failures };
  }

  /** The state after applying the lazy OPEN -> HALF_OPEN move. */
  private current(): State {
    const s = this.state;
    if (s.kind === 'OPEN' && this.clock.now() - s.openedAt >= this.recoveryTimeout) {
      this.transition({ kind: 'HALF_OPEN', failures: s.failures, probing: false }, 'recovery-timeout');
    }
    return this.state;
  }

  private transition(next: State, reason: CircuitStateChange['reason']): void {
    const from = this.state.kind;
    this.state = next;
    this.epoch += 1;
    if (from !== next.kind)
      this.changes.emit({ from, to: next.kind, at: this.clock.now(), failures: next.failures, reason });
  }
}
