// What an ALERT_WEBHOOK_URL may be, decided once for the config check at start and the sender.
// Plain http:// is readable and forgeable by anyone on the path, so it is allowed to loopback only
// (a local relay) unless the operator sets ALERT_WEBHOOK_INSECURE=1. Credentials written into the
// URL (https://user:pass@host/...) are sent as an Authorization: Basic header: fetch refuses URLs
// that carry them, so they used to make every alert fail.
import { isLoopbackHost } from '../net/loopback-host.js';

/** Why the URL may not be used, or null. */
export function webhookUrlProblem(url: string, allowInsecure: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'ALERT_WEBHOOK_URL is not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `ALERT_WEBHOOK_URL must use https (or http), got ${parsed.protocol}`;
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname) && !allowInsecure) {
    return (
      `ALERT_WEBHOOK_URL uses plain http:// to ${parsed.hostname}: alerts (and any credentials in the URL) would travel unencrypted. ` +
      'Use https://, or set ALERT_WEBHOOK_INSECURE=1 to send them anyway'
    );
  }
  return null;
}

export interface WebhookRequestTarget {
  /** The URL without user:password@. */
  readonly url: string;
  /** `Basic base64(user:password)` when the URL carried credentials, else null. */
  readonly authorization: string | null;
}

/** Moves credentials out of the URL into an Authorization header value. */
export function splitWebhookCredentials(url: string): WebhookRequestTarget {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, authorization: null };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.toString(),
    authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`,
  };
}
