// The one typed failure of every exchange call. Errors cross worker ports by structured clone, which
// drops the class, so each error has a plain-data wire form and is rebuilt on the other side.
import type { ErrorAction } from '../resilience/error-classifier.js';
import type { EndpointName } from './endpoints.js';

/** Codes the client itself assigns when KuCoin sent none. KuCoin's own codes are numeric strings. */
export const CLIENT_ERROR_CODES = {
  invalidResponse: 'INVALID_RESPONSE',
  timeout: 'TIMEOUT',
  network: 'NETWORK',
  http: 'HTTP_ERROR',
  aborted: 'ABORTED',
  /** The caller asked for something the client refuses to send (e.g. a limit order without price). */
  invalidRequest: 'INVALID_REQUEST',
} as const;

export interface ExchangeErrorData {
  readonly kind: 'ExchangeError';
  readonly code: string;
  /** HTTP status when a response arrived; null for network errors and timeouts. */
  readonly httpStatus: number | null;
  readonly retryable: boolean;
  readonly action: ErrorAction;
  readonly message: string;
  readonly endpoint: EndpointName | null;
  /** For rate-limit errors: milliseconds until the server resets the pool (gw-ratelimit-reset). */
  readonly resetMs: number | null;
}

export type ExchangeErrorInit = Omit<ExchangeErrorData, 'kind'>;

export class ExchangeError extends Error {
  readonly code: string;
  readonly httpStatus: number | null;
  readonly retryable: boolean;
  readonly action: ErrorAction;
  readonly endpoint: EndpointName | null;
  readonly resetMs: number | null;

  constructor(init: ExchangeErrorInit) {
    super(init.message);
    this.name = 'ExchangeError';
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.retryable = init.retryable;
    this.action = init.action;
    this.endpoint = init.endpoint;
    this.resetMs = init.resetMs;
  }

  get rateLimited(): boolean {
    return this.action === 'wait-reset';
  }

  toData(): ExchangeErrorData {
    return {
      kind: 'ExchangeError',
      code: this.code,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
      action: this.action,
      message: this.message,
      endpoint: this.endpoint,
      resetMs: this.resetMs,
    };
  }

  static fromData(data: ExchangeErrorData): ExchangeError {
    return new ExchangeError(data);
  }
}

export function isExchangeError(value: unknown): value is ExchangeError {
  return value instanceof ExchangeError;
}

const ACTIONS: readonly string[] = ['retry', 'wait-reset', 'fail', 'done'];

/** True for the wire form of an ExchangeError (e.g. received over a MessagePort). */
export function isExchangeErrorData(value: unknown): value is ExchangeErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.kind === 'ExchangeError' &&
    typeof v.code === 'string' &&
    (v.httpStatus === null || typeof v.httpStatus === 'number') &&
    typeof v.retryable === 'boolean' &&
    typeof v.action === 'string' &&
    ACTIONS.includes(v.action) &&
    typeof v.message === 'string' &&
    (v.endpoint === null || typeof v.endpoint === 'string') &&
    (v.resetMs === null || typeof v.resetMs === 'number')
  );
}

/** Rebuild an ExchangeError from either the instance or its wire form; anything else is returned as-is. */
export function reviveExchangeError(value: unknown): unknown {
  return isExchangeErrorData(value) ? ExchangeError.fromData(value) : value;
}
