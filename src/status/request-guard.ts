// The one admission check every status-server request passes before any routing, so an endpoint
// added later (a control POST, a profile page) is behind it without asking: first the Host header
// (DNS rebinding, answered 421), then, for anything but GET/HEAD, a foreign Origin (a page on another
// site can submit a form to 127.0.0.1 without reading the answer: cross-site request forgery, 403),
// then the bearer token. Only /health has an anonymous answer, and only the liveness verdict.
import type { IncomingHttpHeaders } from 'node:http';
import type { HostAllowList } from './host-allow-list.js';
import type { TokenGuard } from './token-guard.js';

/**
 * - `wrong-host`: the Host header is not one of our names: refuse (421) whatever the path.
 * - `cross-site`: a state-changing method sent by a page of another origin: refuse (403).
 * - `anonymous`: a token is configured and the request does not carry it.
 * - `authorised`: the right token, or no token configured (loopback only, see the start-up check).
 */
export type Admission = 'wrong-host' | 'cross-site' | 'anonymous' | 'authorised';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class RequestGuard {
  constructor(
    private readonly hosts: HostAllowList,
    private readonly token: TokenGuard,
  ) {}

  get tokenRequired(): boolean {
    return this.token.enabled;
  }

  get allowedHosts(): readonly string[] {
    return this.hosts.allowed;
  }

  admit(headers: IncomingHttpHeaders, url: URL, method = 'GET'): Admission {
    if (!this.hosts.allows(headers.host)) return 'wrong-host';
    if (!SAFE_METHODS.has(method.toUpperCase()) && !sameOrigin(headers)) return 'cross-site';
    return this.token.allows(headers, url) ? 'authorised' : 'anonymous';
  }
}

/**
 * True when the request did not come from another site's page: no Origin (curl, scripts; browsers
 * always send one on POST) or an Origin whose host:port is the Host the request was sent to, and no
 * Sec-Fetch-Site saying cross-site.
 */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    return headers.host !== undefined && new URL(origin).host === headers.host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file://) and junk
  }
}
