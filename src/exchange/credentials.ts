// API credentials and KuCoin's request signature (HMAC-SHA256, base64), shared by the REST client's
// re-stamping step and anything else that must sign.
import { createHmac } from 'node:crypto';

export interface ApiCredentials {
  readonly key: string;
  readonly secret: string;
  readonly passphrase: string;
  /** KuCoin key version; 2 and 3 both send an HMAC'd passphrase. Default 3 (what the SDK sends). */
  readonly keyVersion?: 2 | 3;
}

function hmacBase64(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

/** prehash = timestamp + METHOD + path(+?raw query) + body, exactly as KuCoin documents. */
export function signatureHeaders(
  credentials: ApiCredentials,
  timestampMs: number,
  method: string,
  pathAndQuery: string,
  body: string,
): Record<string, string> {
  const ts = String(Math.trunc(timestampMs));
  return {
    'KC-API-KEY': credentials.key,
    'KC-API-SIGN': hmacBase64(credentials.secret, ts + method.toUpperCase() + pathAndQuery + body),
    'KC-API-TIMESTAMP': ts,
    'KC-API-PASSPHRASE': hmacBase64(credentials.secret, credentials.passphrase),
    'KC-API-KEY-VERSION': String(credentials.keyVersion ?? 3),
  };
}
