// The typed error a per-attempt timeout aborts with. Plain-data wire form for crossing ports.

export const ATTEMPT_TIMEOUT_CODE = 'ATTEMPT_TIMEOUT' as const;

export interface TimeoutErrorData {
  readonly name: 'TimeoutError';
  readonly code: typeof ATTEMPT_TIMEOUT_CODE;
  readonly message: string;
  readonly timeoutMs: number;
}

/** Named TimeoutError like the DOMException AbortSignal.timeout() uses, so generic checks match. */
export class AttemptTimeoutError extends Error {
  override readonly name = 'TimeoutError' as const;
  readonly code = ATTEMPT_TIMEOUT_CODE;
  readonly timeoutMs: number;

  constructor(timeoutMs: number, message = `attempt timed out after ${timeoutMs} ms`) {
    super(message);
    this.timeoutMs = timeoutMs;
  }

  toWire(): TimeoutErrorData {
    return { name: this.name, code: this.code, message: this.message, timeoutMs: this.timeoutMs };
  }

  static fromWire(data: TimeoutErrorData): AttemptTimeoutError {
    return new AttemptTimeoutError(data.timeoutMs, data.message);
  }
}

export function isAttemptTimeoutError(value: unknown): value is AttemptTimeoutError {
  return value instanceof AttemptTimeoutError;
}

export function isTimeoutErrorData(value: unknown): value is TimeoutErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['code'] === ATTEMPT_TIMEOUT_CODE &&
    v['name'] === 'TimeoutError' &&
    typeof v['message'] === 'string' &&
    typeof v['timeoutMs'] === 'number'
  );
}
