// Maps the facts of a failure to what to do about it:
//   retry       transient (network, timeouts, 5xx, a service's "busy"): retry with backoff
//   wait-reset  rate limited (HTTP 429, or a service code meaning the same): wait for the reset, then retry
//   fail        our request is wrong (auth, bad parameters, balance, not cancelable, 404): never retry
//   done        the goal already holds (e.g. nothing left to close): treat as success
// Precedence: a service code meaning 'wait-reset', then HTTP 429, then the service code, then the
// transport code, then HTTP status. Unknown codes fall through to the HTTP status, so a 5xx with an
// unfamiliar body is still retried.
//
// Generic: what a service's own codes mean is a table its adapter passes to createClassifier (the
// KuCoin table lives in src/exchange/error-classification.ts). Without one, only the toolkit's own
// codes (an attempt timeout, an open breaker), transport codes and HTTP statuses are known.
import { ATTEMPT_TIMEOUT_CODE } from './timeout-error.js';
import { CIRCUIT_OPEN_CODE } from './circuit-open-error.js';
import { type ErrorFacts, extractErrorFacts } from './error-facts.js';

export type ErrorAction = 'retry' | 'wait-reset' | 'fail' | 'done';

/** Finer than the action; adaptive-backoff.ts picks a delay schedule per kind. */
export type ErrorKind =
  | 'network'
  | 'timeout'
  | 'server'
  | 'busy'
  | 'rate-limit'
  | 'auth'
  | 'bad-request'
  | 'balance'
  | 'not-cancelable'
  | 'not-found'
  | 'circuit-open'
  | 'no-position'
  | 'success'
  | 'unknown';

export interface Classification {
  readonly action: ErrorAction;
  readonly retryable: boolean;
  readonly kind: ErrorKind;
  readonly reason: string;
}

/** Builds one table entry; `retryable` follows from the action. */
export function classification(action: ErrorAction, kind: ErrorKind, reason: string): Classification {
  return { action, retryable: action === 'retry' || action === 'wait-reset', kind, reason };
}

/** A service's error codes (an error's `code`) and what each means. */
export type CodeTable = ReadonlyMap<string, Classification>;

/** Codes the toolkit itself throws: its per-attempt timeout, and an open breaker (retrying into it at once is pointless). */
const TOOLKIT_CODES: CodeTable = new Map([
  [ATTEMPT_TIMEOUT_CODE, classification('retry', 'timeout', 'attempt timed out')],
  [CIRCUIT_OPEN_CODE, classification('fail', 'circuit-open', 'circuit breaker is open')],
]);

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
]);
/** undici codes that signal a bug in the request we built, not a flaky network. */
const PROGRAMMING_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_INVALID_RETURN_VALUE', 'UND_ERR_NOT_SUPPORTED']);

function byNetworkCode(code: string): Classification {
  if (PROGRAMMING_CODES.has(code)) return classification('fail', 'bad-request', `invalid request (${code})`);
  if (TIMEOUT_CODES.has(code)) return classification('retry', 'timeout', `timed out (${code})`);
  // ECONNRESET, ECONNREFUSED, EPIPE, EAI_AGAIN, ENOTFOUND, UND_ERR_SOCKET, AbortError, and any
  // other transport-level code: the request may not have reached the server; try again.
  return classification('retry', 'network', `network error (${code})`);
}

function byHttpStatus(status: number): Classification {
  if (status === 429) return classification('wait-reset', 'rate-limit', 'HTTP 429 too many requests');
  if (status === 408) return classification('retry', 'timeout', 'HTTP 408 request timeout');
  if (status >= 500) return classification('retry', 'server', `HTTP ${status} server error`);
  if (status === 401 || status === 403) return classification('fail', 'auth', `HTTP ${status} unauthorized`);
  if (status === 404) return classification('fail', 'not-found', 'HTTP 404 not found');
  if (status >= 400) return classification('fail', 'bad-request', `HTTP ${status} client error`);
  return classification('fail', 'unknown', `unexpected failure with HTTP ${status}`);
}

export interface Classifier {
  classify(facts: ErrorFacts): Classification;
  /** classify() on the facts extracted from any thrown value (fields code, httpStatus/status, cause). */
  classifyError(err: unknown): Classification;
}

/** A classifier that knows `codes` (a service's table) besides the toolkit's own codes. */
export function createClassifier(codes: CodeTable = new Map()): Classifier {
  const byCode = new Map([...TOOLKIT_CODES, ...codes]);
  const classify = (facts: ErrorFacts): Classification => {
    const { code, httpStatus, networkCode } = facts;
    const known = code === undefined ? undefined : byCode.get(code);
    if (known?.action === 'wait-reset') return known;
    if (httpStatus === 429) return byHttpStatus(429);
    if (known) return known;
    if (networkCode !== undefined) return byNetworkCode(networkCode);
    if (httpStatus !== undefined) return byHttpStatus(httpStatus);
    return classification('fail', 'unknown', code === undefined ? 'unclassified error' : `unrecognized code ${code}`);
  };
  return { classify, classifyError: (err) => classify(extractErrorFacts(err)) };
}

/** The generic classifier: no service's codes, for callers that pass none. */
export const { classify, classifyError } = createClassifier();
