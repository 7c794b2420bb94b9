// Optional bearer-token check for the status server. The token may come as an Authorization header
// (curl, Prometheus) or as ?token= (a browser address bar and the page's WebSocket, which cannot set
// headers). Comparison is constant-time over SHA-256 digests, so neither the content nor the length
// of the configured token leaks through response timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export class TokenGuard {
  private readonly expected: Buffer | null;

  /** An empty or absent token disables the check. */
  constructor(token: string | undefined) {
    this.expected = token === undefined || token === '' ? null : digest(token);
  }

  get enabled(): boolean {
    return this.expected !== null;
  }

  /** True when no token is configured, or when the request presents the right one. */
  allows(headers: IncomingHttpHeaders, url: URL): boolean {
    if (this.expected === null) return true;
    const presented = presentedToken(headers, url);
    if (presented === null) return false;
    return timingSafeEqual(digest(presented), this.expected);
  }
}

/** The bearer token from the Authorization header, else the `token` query parameter, else null. */
export function presentedToken(headers: IncomingHttpHeaders, url: URL): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth);
    if (match !== null) return match[1] as string;
  }
  const fromQuery = url.searchParams.get('token');
  return fromQuery === null || fromQuery === '' ? null : fromQuery;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
