// Keeps secrets out of alert text and payloads: the configured secret values (API key, secret,
// passphrase, status token) wherever they appear, plus anything that looks like a credential by
// its label ("apiKey=...", "Bearer ...", a detail named "token"), since an error message quoted
// into an alert may carry one the config never listed.
import { REDACTION, createRedactor } from '../log/redact.js';
import type { AlertDetailValue } from './alert.js';

const SENSITIVE_KEY =
  /(api[-_]?key|secret|passphrase|passwd|password|token|signature|authorization|cookie|credential)/i;
const LABELLED =
  /\b((?:kc-)?(?:api[-_]?key|api[-_]?secret|secret|passphrase|password|token|signature|authorization))(["']?\s*[:=]\s*["']?)([^\s"',;&}]+)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;

export type TextRedactor = (text: string) => string;

export function createAlertRedactor(secrets: readonly string[] = []): TextRedactor {
  const redactKnown = createRedactor(secrets);
  return (text) => redactKnown(text).replace(LABELLED, `$1$2${REDACTION}`).replace(BEARER, `$1 ${REDACTION}`);
}

/** Scrubs a flat details record: sensitive keys lose their value, strings are scrubbed. */
export function redactDetails(
  details: Readonly<Record<string, AlertDetailValue>>,
  redact: TextRedactor,
): Record<string, AlertDetailValue> {
  const out: Record<string, AlertDetailValue> = {};
  for (const [key, value] of Object.entries(details)) {
    if (SENSITIVE_KEY.test(key)) out[key] = REDACTION;
    else if (typeof value === 'string') out[key] = redact(value);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value;
    // Anything else (a nested object smuggled past the type) is dropped rather than serialised blind.
  }
  return out;
}
