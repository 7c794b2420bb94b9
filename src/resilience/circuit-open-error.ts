// The typed error a CircuitBreaker throws while open. Errors cross worker ports by structured
// clone, which drops the class and own fields like `code`, so it travels as plain data
// (toWire) and is rebuilt on the other side (fromWire).

export const CIRCUIT_OPEN_CODE = 'CIRCUIT_OPEN' as const;

export interface CircuitOpenErrorData {
  readonly name: 'CircuitOpenError';
  readonly code: typeof CIRCUIT_OPEN_CODE;
  readonly message: string;
  /** Breaker name, when the breaker was given one. */
  readonly breaker?: string;
  /** Milliseconds until the breaker will let a probe through (0 = a probe is already running). */
  readonly retryAfterMs: number;
}

export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError' as const;
  readonly code = CIRCUIT_OPEN_CODE;
  readonly breaker: string | undefined;
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number, breaker?: string, message?: string) {
    super(message ?? `circuit ${breaker ? `"${breaker}" ` : ''}is open; retry after ${retryAfterMs} ms`);
    this.retryAfterMs = retryAfterMs;
    this.breaker = breaker;
  }

  toWire(): CircuitOpenErrorData {
    const data = { name: this.name, code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
    return this.breaker === undefined ? data : { ...data, breaker: this.breaker };
  }

  static fromWire(data: CircuitOpenErrorData): CircuitOpenError {
    return new CircuitOpenError(data.retryAfterMs, data.breaker, data.message);
  }
}

/** True for a CircuitOpenError instance (e.g. one rebuilt with fromWire). */
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return value instanceof CircuitOpenError;
}

/** True for the plain-data wire form, as received from another thread. */
export function isCircuitOpenErrorData(value: unknown): value is CircuitOpenErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['code'] === CIRCUIT_OPEN_CODE &&
    v['name'] === 'CircuitOpenError' &&
    typeof v['message'] === 'string' &&
    typeof v['retryAfterMs'] === 'number' &&
    (v['breaker'] === undefined || typeof v['breaker'] === 'string')
  );
}
