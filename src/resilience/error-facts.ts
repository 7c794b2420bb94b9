// Pulls the facts the classifier needs out of any thrown value: our ExchangeError, the SDK's and
// axios' errors, fetch/undici errors (whose transport code sits on `cause`), DOMException aborts.
// Nothing here decides anything; error-classifier.ts does.

export interface ErrorFacts {
  /** Exchange or application code (KuCoin's are numeric strings, e.g. "429000"). */
  code?: string;
  httpStatus?: number;
  /** Node/undici transport code (ECONNRESET, UND_ERR_SOCKET) or AbortError / TimeoutError. */
  networkCode?: string;
  /** Server-given milliseconds until a rate-limit window resets. */
  resetMs?: number;
}

const NETWORK_CODE = /^(E[A-Z0-9_]+|UND_ERR_[A-Z0-9_]+)$/;
const MAX_CAUSE_DEPTH = 5;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function httpStatusOf(r: Record<string, unknown>): number | undefined {
  const response = record(r['response']);
  for (const v of [r['httpStatus'], r['status'], r['statusCode'], response?.['status']]) {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599) return v;
  }
  return undefined;
}

function resetMsOf(r: Record<string, unknown>): number | undefined {
  for (const v of [r['resetMs'], r['retryAfterMs']]) {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return undefined;
}

/**
 * Walks the error and its `cause` chain (outermost first: the outer, normalized error is the most
 * specific), keeping the first value found for each fact.
 */
export function extractErrorFacts(err: unknown): ErrorFacts {
  const facts: ErrorFacts = {};
  const seen = new Set<unknown>();
  let current: unknown = err;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth += 1) {
    const r = record(current);
    if (!r || seen.has(r)) break;
    seen.add(r);
    const rawCode = r['code'];
    const code = typeof rawCode === 'number' ? String(rawCode) : typeof rawCode === 'string' ? rawCode : undefined;
    if (code !== undefined) {
      if (NETWORK_CODE.test(code)) facts.networkCode ??= code;
      else facts.code ??= code;
    }
    const explicitNetwork = r['networkCode'];
    if (typeof explicitNetwork === 'string') facts.networkCode ??= explicitNetwork;
    const name = r['name'];
    if (name === 'AbortError' || name === 'TimeoutError') facts.networkCode ??= name;
    const httpStatus = httpStatusOf(r);
    if (httpStatus !== undefined) facts.httpStatus ??= httpStatus;
    const resetMs = resetMsOf(r);
    if (resetMs !== undefined) facts.resetMs ??= resetMs;
    current = r['cause'];
  }
  return facts;
}
