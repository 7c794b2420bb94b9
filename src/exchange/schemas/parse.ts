// Validation at the edge: a response that does not match its schema becomes an INVALID_RESPONSE
// ExchangeError (never retried: the same request would get the same bad body).
import type { z } from 'zod';
import type { EndpointName } from '../endpoints.js';
import { CLIENT_ERROR_CODES, ExchangeError } from '../exchange-error.js';

function invalidResponse(
  endpoint: EndpointName | null,
  detail: string,
  httpStatus: number | null = null,
): ExchangeError {
  return new ExchangeError({
    code: CLIENT_ERROR_CODES.invalidResponse,
    httpStatus,
    retryable: false,
    action: 'fail',
    message: `invalid response from ${endpoint ?? 'exchange'}: ${detail}`,
    endpoint,
    resetMs: null,
  });
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  data: unknown,
  endpoint: EndpointName | null,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const first = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw invalidResponse(endpoint, first.join('; '));
}
