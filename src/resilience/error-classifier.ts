// Maps the facts of a failure to what to do about it:
//   retry       transient (network, timeouts, 5xx, 300002 busy, 500000): retry with backoff
//   wait-reset  rate limited (429000 / HTTP 429): wait for the server's reset, then retry
//   fail        our request is wrong (auth, bad parameters, balance, not cancelable, 404): never retry
//   done        the goal already holds (300009 no position to close): treat as success
// Precedence: rate limit, then KuCoin code, then transport code, then HTTP status. Unknown codes
// fall through to the HTTP status, so a 5xx with an unfamiliar body is still retried.
import { KUCOIN_CODES } from '../exchange/error-codes.js';
import { type ErrorFacts, extractErrorFacts } from './error-facts.js';

export type ErrorAction = 'retry' | 'wait-reset' | 'fail' | 'done';

/** Finer than the action; adaptive-backoff.ts picks a delay schedule per kind. */
export type ErrorKind =
  | 'network' | 'timeout' | 'server' | 'busy' | 'rate-limit'
  | 'auth' | 'bad-request' | 'balance' | 'not-cancelable' | 'not-found' | 'circuit-open'
  | 'no-position' | 'success' | 'unknown';

export interface Classification {
  readonly action: ErrorAction;
  readonly retryable: boolean;
  readonly kind: ErrorKind;
  readonly reason: string;
}

function c(action: ErrorAction, kind: ErrorKind, reason: string): Classification {
  return { action, retryable: action === 'retry' || action === 'wait-reset', kind, reason };
}

const K = KUCOIN_CODES;
const BY_CODE: ReadonlyMap<string, Classification> = new Map([
  ...[K.authMissingHeader, K.authTimestampInvalid, K.authKeyNotExists, K.authPassphraseInvalid,
    K.authSignatureInvalid, K.authIpNotAllowed, K.authAccessDenied]
    .map((code) => [code, c('fail', 'auth', `authentication failed (${code})`)] as const),
  [K.badParameter, c('fail', 'bad-request', 'bad parameter (400100)')],
  [K.orderParamError, c('fail', 'bad-request', 'order parameter error (300000)')],
  [K.balanceNotEnough, c('fail', 'balance', 'balance not enough (300003)')],
  [K.orderNotCancelable, c('fail', 'not-cancelable', 'order not cancelable (100004)')],
  [K.notFound, c('fail', 'not-found', 'not found (404000)')],
  [K.noPositionToClose, c('done', 'no-position', 'no position to close (300009): already flat')],
  [K.systemBusy, c('retry', 'busy', 'system busy (300002)')],
  [K.internal, c('retry', 'server', 'internal server error (500000)')],
  [K.success, c('done', 'success', 'success (200000)')],
  // Application codes from this project: the exchange client's transport failures, our own
  // per-attempt timeout, an open breaker (retrying into it at once is pointless).
  ['TIMEOUT', c('retry', 'timeout', 'request timed out')],
  ['NETWORK', c('retry', 'network', 'network failure')],
  ['ATTEMPT_TIMEOUT', c('retry', 'timeout', 'attempt timed out')],
  ['CIRCUIT_OPEN', c('fail', 'circuit-open', 'circuit breaker is open')],
]);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'TimeoutError']);
/** undici codes that signal a bug in the request we built, not a flaky network. */
const PROGRAMMING_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_INVALID_RETURN_VALUE', 'UND_ERR_NOT_SUPPORTED']);

function byNetworkCode(code: string): Classification {
  if (PROGRAMMING_CODES.has(code)) return c('fail', 'bad-request', `invalid request (${code})`);
  if (TIMEOUT_CODES.has(code)) return c('retry', 'timeout', `timed out (${code})`);
  // ECONNRESET, ECONNREFUSED, EPIPE, EAI_AGAIN, ENOTFOUND, UND_ERR_SOCKET, AbortError, and any
  // other transport-level code: the request may not have reached the server; try again.
  return c('retry', 'network', `network error (${code})`);
}

function byHttpStatus(status: number): Classification {
  if (status === 429) return c('wait-reset', 'rate-limit', 'HTTP 429 too many requests');
  if (status === 408) return c('retry', 'timeout', 'HTTP 408 request timeout');
  if (status >= 500) return c('retry', 'server', `HTTP ${status} server error`);
  if (status === 401 || status === 403) return c('fail', 'auth', `HTTP ${status} unauthorized`);
  if (status === 404) return c('fail', 'not-found', 'HTTP 404 not found');
  if (status >= 400) return c('fail', 'bad-request', `HTTP ${status} client error`);
  return c('fail', 'unknown', `unexpected failure with HTTP ${status}`);
}

export function classify(facts: ErrorFacts): Classification {
  const { code, httpStatus, networkCode } = facts;
  if (code === K.rateLimited) return c('wait-reset', 'rate-limit', 'rate limited (429000)');
  if (httpStatus === 429) return byHttpStatus(429);
  const known = code === undefined ? undefined : BY_CODE.get(code);
  if (known) return known;
  if (networkCode !== undefined) return byNetworkCode(networkCode);
  if (httpStatus !== undefined) return byHttpStatus(httpStatus);
  return c('fail', 'unknown', code === undefined ? 'unclassified error' : `unrecognized code ${code}`);
}

/** classify() on the facts extracted from any thrown value (fields code, httpStatus/status, cause). */
export function classifyError(err: unknown): Classification {
  return classify(extractErrorFacts(err));
}
