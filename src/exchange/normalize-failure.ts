// Turns whatever the SDK/axios threw into one ExchangeError, using the toolkit's classifier for the
// action. Also recovers the rate-limit headers that arrived with a failed response.
import sdk from 'kucoin-universal-sdk';
import type { EndpointName } from './endpoints.js';
import { RATE_LIMIT_HEADERS } from './endpoints.js';
import { KUCOIN_CODES } from './error-codes.js';
import { classifyFailure } from './error-classification.js';
import { CLIENT_ERROR_CODES, ExchangeError } from './exchange-error.js';
import type { RateLimitSnapshot } from '../resilience/limiter.js';

export interface NormalizedFailure {
  readonly error: ExchangeError;
  readonly rateLimit: RateLimitSnapshot | null;
}

interface AxiosLikeError {
  readonly isAxiosError: true;
  readonly code?: string;
  readonly message: string;
  readonly response?: { readonly status: number; readonly data: unknown; readonly headers: unknown };
}

function isAxiosLike(e: unknown): e is AxiosLikeError {
  return typeof e === 'object' && e !== null && (e as { isAxiosError?: unknown }).isAxiosError === true;
}

function headerNumber(headers: unknown, name: string): number | null {
  if (typeof headers !== 'object' || headers === null) return null;
  const raw = (headers as Record<string, unknown>)[name];
  const n = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** A snapshot only when all three headers are present and numeric. */
function snapshotFromHeaders(headers: unknown): RateLimitSnapshot | null {
  const limit = headerNumber(headers, RATE_LIMIT_HEADERS.limit);
  const remaining = headerNumber(headers, RATE_LIMIT_HEADERS.remaining);
  const resetMs = headerNumber(headers, RATE_LIMIT_HEADERS.reset);
  return limit === null || remaining === null || resetMs === null ? null : { limit, remaining, resetMs };
}

/** The SDK reports absent headers as -1. */
export function snapshotFromSdk(
  rl: { limit: number; remaining: number; reset: number } | undefined,
): RateLimitSnapshot | null {
  if (!rl || !(rl.limit >= 0 && rl.remaining >= 0 && rl.reset >= 0)) return null;
  return { limit: rl.limit, remaining: rl.remaining, resetMs: rl.reset };
}

function build(
  endpoint: EndpointName | null,
  fields: { code: string; httpStatus: number | null; message: string; networkCode?: string; resetMs: number | null },
): ExchangeError {
  const c = classifyFailure({
    code: fields.code,
    ...(fields.httpStatus !== null ? { httpStatus: fields.httpStatus } : {}),
    ...(fields.networkCode !== undefined ? { networkCode: fields.networkCode } : {}),
  });
  return new ExchangeError({
    code: fields.code,
    httpStatus: fields.httpStatus,
    retryable: c.retryable,
    action: c.action,
    message: `${endpoint ?? 'exchange'}: ${fields.message}`,
    endpoint,
    resetMs: fields.resetMs,
  });
}

/** Longest slice of a bad body or parser message kept in the error (the rest only fills logs). */
const MAX_DETAIL = 200;

/**
 * Endpoints that change state on the exchange. An unreadable reply to one of them says nothing
 * about whether the exchange acted: the request arrived and was probably accepted, so it is an
 * unknown outcome to resolve by asking the exchange (by clientOid), never a refusal.
 */
const STATE_CHANGING: ReadonlySet<EndpointName> = new Set<EndpointName>(['placeOrder', 'placeStopOrder']);

function invalid(endpoint: EndpointName | null, httpStatus: number | null, rawDetail: string): ExchangeError {
  const detail =
    rawDetail.length > MAX_DETAIL ? `${rawDetail.slice(0, MAX_DETAIL)}… (${rawDetail.length} chars)` : rawDetail;
  const unknownOutcome = endpoint !== null && STATE_CHANGING.has(endpoint);
  return new ExchangeError({
    code: CLIENT_ERROR_CODES.invalidResponse,
    httpStatus,
    retryable: unknownOutcome,
    action: unknownOutcome ? 'retry' : 'fail',
    message: `${endpoint ?? 'exchange'}: invalid response${unknownOutcome ? ' (outcome unknown)' : ''}: ${detail}`,
    endpoint,
    resetMs: null,
  });
}

function envelope(data: unknown): { code: string; msg: string } | null {
  if (typeof data !== 'object' || data === null) return null;
  const { code, msg } = data as { code?: unknown; msg?: unknown };
  if (typeof code !== 'string' && typeof code !== 'number') return null;
  return { code: String(code), msg: typeof msg === 'string' ? msg : '' };
}

function fromAxios(e: AxiosLikeError, endpoint: EndpointName | null): NormalizedFailure {
  const res = e.response;
  if (!res) {
    const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || /timeout/i.test(e.message);
    const networkCode = timedOut ? 'ETIMEDOUT' : (e.code ?? 'ENETWORK');
    return {
      error: build(endpoint, {
        code: timedOut ? CLIENT_ERROR_CODES.timeout : CLIENT_ERROR_CODES.network,
        httpStatus: null,
        message: timedOut ? `timed out (${e.message})` : `network error ${networkCode}: ${e.message}`,
        networkCode,
        resetMs: null,
      }),
      rateLimit: null,
    };
  }
  const rateLimit = snapshotFromHeaders(res.headers);
  const env = envelope(res.data);
  const is429 = res.status === 429 || env?.code === KUCOIN_CODES.rateLimited;
  if (!env && res.status < 500 && !is429)
    return { error: invalid(endpoint, res.status, `HTTP ${res.status} without a KuCoin envelope`), rateLimit };
  return {
    error: build(endpoint, {
      code: env?.code ?? (is429 ? KUCOIN_CODES.rateLimited : CLIENT_ERROR_CODES.http),
      httpStatus: res.status,
      message: env ? `${env.code} ${env.msg} (HTTP ${res.status})` : `HTTP ${res.status}`,
      resetMs: is429 ? (rateLimit?.resetMs ?? null) : null,
    }),
    rateLimit,
  };
}

export function normalizeFailure(err: unknown, endpoint: EndpointName | null): NormalizedFailure {
  if (err instanceof ExchangeError) return { error: err, rateLimit: null };
  if (err instanceof sdk.RestError) {
    const common = err.getCommonResponse();
    const cause = err.getError();
    if (common) {
      // HTTP 200 with a KuCoin error code in the envelope (or a body that was no envelope at all).
      const rateLimit = snapshotFromSdk(common.rateLimit);
      if (typeof common.code !== 'string' || common.code === '') {
        return { error: invalid(endpoint, 200, 'body is not a KuCoin envelope'), rateLimit };
      }
      const limited = common.code === KUCOIN_CODES.rateLimited;
      return {
        error: build(endpoint, {
          code: common.code,
          httpStatus: 200,
          message: `${common.code} ${common.msg ?? ''}`.trim(),
          resetMs: limited ? (rateLimit?.resetMs ?? null) : null,
        }),
        rateLimit,
      };
    }
    if (cause !== undefined) return normalizeFailure(cause, endpoint);
  }
  if (isAxiosLike(err)) return fromAxios(err, endpoint);
  if (err instanceof SyntaxError || err instanceof TypeError) {
    // The SDK throws these while decoding a body it could not understand.
    return { error: invalid(endpoint, null, err.message), rateLimit: null };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    error: build(endpoint, {
      code: CLIENT_ERROR_CODES.network,
      httpStatus: null,
      message,
      networkCode: 'EUNKNOWN',
      resetMs: null,
    }),
    rateLimit: null,
  };
}
